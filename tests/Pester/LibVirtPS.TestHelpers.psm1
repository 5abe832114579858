# Helpers shared by the Pester tests: import the module under test, and build private test hosts so that tests
# which change state never touch the shared test:///default host.

function Import-LibVirtPSUnderTest {
    $path = $env:LIBVIRTPS_MODULE
    if (-not $path) {
        $root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
        $path = Join-Path $root 'out/LibVirtPS/LibVirtPS.psd1'
    }
    Import-Module $path -Force -Global
    # Unit tests run on the embedded host whatever this machine runs: a local libvirtd would otherwise become the
    # default host. Integration tests name their URIs explicitly.
    $env:LIBVIRT_DEFAULT_URI = 'test:///default'
}

function New-TestDomainXml {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [ValidateSet('Running', 'Paused', 'ShutOff')] [string] $State = 'ShutOff',
        [string] $Uuid = [guid]::NewGuid().ToString(),
        [string] $Disks = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/images/$Name.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    )
    $runstate = @{ Running = 1; Paused = 3; ShutOff = 5 }[$State]
    @"
<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <name>$Name</name>
  <uuid>$Uuid</uuid>
  <memory unit='MiB'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <devices>$Disks</devices>
  <metadata><test:runstate>$runstate</test:runstate></metadata>
</domain>
"@
}

<#
.SYNOPSIS
    Writes a node file with the given domains into a fresh folder and connects to it; returns the VirtHost.
.PARAMETER Domain
    Hashtables of New-TestDomainXml parameters.
#>
function New-TestHost {
    param(
        [hashtable[]] $Domain = @(),
        [string] $Name = "lab-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    )
    $folder = Join-Path ([IO.Path]::GetTempPath()) "libvirtps-test-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $folder | Out-Null
    $domains = ($Domain | ForEach-Object { New-TestDomainXml @_ }) -join "`n"
    $node = @"
<node>
  <cpu><mhz>2000</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads><active>4</active></cpu>
  <memory>16777216</memory>
  $domains
</node>
"@
    $file = Join-Path $folder 'node.xml'
    Set-Content -Path $file -Value $node -Encoding utf8
    $script:TestFolders += , $folder
    Connect-VirtHost -Uri "test://$file" -Name $Name -PassThru
}

<# Disconnects every host and removes the folders New-TestHost made. #>
function Remove-TestHost {
    Get-VirtHost -Name * -ErrorAction SilentlyContinue | Where-Object { $_.IsConnected } |
        Disconnect-VirtHost -Confirm:$false -ErrorAction SilentlyContinue
    foreach ($folder in $script:TestFolders) {
        if (Test-Path $folder) { Remove-Item -Recurse -Force $folder }
    }
    $script:TestFolders = @()
}

<# The parameters a cmdlet declares itself (common parameters left out), sorted, to pin each cmdlet's surface. #>
function Get-DeclaredParameter([string] $Command) {
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    (Get-Command $Command).Parameters.Keys.Where({ $_ -notin $common }) | Sort-Object
}

<# The ConfirmImpact a cmdlet declares. #>
function Get-ConfirmImpact([string] $Command) {
    (Get-Command $Command).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact
}

$script:TestFolders = @()
Export-ModuleMember -Function Import-LibVirtPSUnderTest, New-TestDomainXml, New-TestHost, Remove-TestHost, Get-DeclaredParameter, Get-ConfirmImpact
