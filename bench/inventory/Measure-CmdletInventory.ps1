<#
.SYNOPSIS
    Times the full inventory as a PowerShell user runs it: Get-VirtDisk (every domain's XML fetched and parsed, one
    object per disk) and Get-VirtDomain (every domain's facts), against python3-libvirt in the same run.
.DESCRIPTION
    Needs a running libvirtd (tools/Start-Libvirtd.sh), python3-libvirt and the built module (build.ps1 Build).
    Defines Count uniquely named domains, each with one disk, on test+unix:///default through a connection that stays
    open throughout (the daemon's test:///default lives as long as one connection does). Each timed run opens its own
    connection, runs the cmdlet, collects its output and disconnects, as peer.py opens, lists, asks and parses every
    domain's XML and closes. The session is warmed up first, for WarmupSeconds: the runtime keeps recompiling hot
    PowerShell and module code for the first hundred runs or so, and steady state is what is measured (the first
    run of the session is printed too).
    Prints the median of Repetitions interleaved runs and python's time over ours. Removes the domains at the end,
    also on failure.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/inventory/Measure-CmdletInventory.ps1 -Count 1000
#>
param(
    [int] $Count = 1000,
    [int] $Repetitions = 11,
    [int] $WarmupSeconds = 20,
    [string] $Python = '/usr/bin/python3',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/LibVirtPS/LibVirtPS.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$uri = 'test+unix:///default'
$peer = Join-Path $PSScriptRoot 'peer.py'
$prefix = "libvirtps-cmdletbench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$names = 0..($Count - 1) | ForEach-Object { '{0}-{1:0000}' -f $prefix, $_ }

function Get-Median([double[]] $values) {
    $sorted = [double[]]($values | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# One timed run of a cmdlet over its own connection; the output is collected, and its count of our objects checked.
function Measure-Cmdlet([scriptblock] $query) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $server = Connect-VirtHost $uri -Name "$prefix-run" -PassThru
    $output = @(& $query $server)
    Disconnect-VirtHost $server -Confirm:$false
    $clock.Stop()
    $ours = @($output | Where-Object { $_.DomainName -like "$prefix-*" -or $_.Name -like "$prefix-*" }).Count
    if ($ours -ne $Count) { throw "expected $Count objects of the bench's domains, got $ours" }
    $clock.Elapsed.TotalSeconds
}

function Measure-Python {
    $line = & $Python $peer inventory $uri
    if ($LASTEXITCODE -ne 0) { throw 'peer.py failed' }
    [double]::Parse(($line -split ' ')[1], [Globalization.CultureInfo]::InvariantCulture)
}

$disks = { param($server) Get-VirtDisk -Server $server }
$domains = { param($server) Get-VirtDomain -Server $server }
$keeper = $null
try {
    $keeper = Connect-VirtHost $uri -Name "$prefix-keeper" -PassThru
    $define = [Diagnostics.Stopwatch]::StartNew()
    foreach ($name in $names) {
        $null = New-VirtDomain -Server $keeper -Xml "<domain type='test'><name>$name</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/$name.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
    }
    Write-Host ("defined {0} domains in {1:0.00} s" -f $Count, $define.Elapsed.TotalSeconds)

    $first = Measure-Cmdlet $disks
    $warmup = [Diagnostics.Stopwatch]::StartNew()
    $warmupRuns = 0
    while ($warmup.Elapsed.TotalSeconds -lt $WarmupSeconds) { $null = Measure-Cmdlet $disks; $null = Measure-Cmdlet $domains; $warmupRuns++ }
    $null = Measure-Python

    $runs = @{ Disks = @(); Domains = @(); Python = @() }
    for ($i = 0; $i -lt $Repetitions; $i++) {
        $runs.Disks += Measure-Cmdlet $disks
        $runs.Domains += Measure-Cmdlet $domains
        $runs.Python += Measure-Python
    }

    $pythonSeconds = Get-Median $runs.Python
    Write-Host ("Full inventory from a warm PowerShell session, {0} domains of one disk each (median of {1} after {2} warm-up runs of each in {3} s):" -f $Count, $Repetitions, $warmupRuns, $WarmupSeconds)
    $report = {
        param($label, $seconds)
        Write-Host ("  {0,-84} {1,7:0.000} s   python/this {2,6:0.00}" -f $label, $seconds, ($pythonSeconds / $seconds))
    }
    & $report 'Connect-VirtHost; Get-VirtDisk (every domain''s XML parsed); Disconnect-VirtHost' (Get-Median $runs.Disks)
    & $report '  the same, first run in this session' $first
    & $report 'Connect-VirtHost; Get-VirtDomain (every domain''s facts); Disconnect-VirtHost' (Get-Median $runs.Domains)
    & $report 'python3-libvirt listAllDomains + XMLDesc + ElementTree' $pythonSeconds
}
finally {
    if ($keeper -and $keeper.IsConnected) {
        foreach ($name in $names) { Remove-VirtDomain $name -Server $keeper -Confirm:$false -ErrorAction Ignore }
    }
    else {
        foreach ($name in $names) { & virsh -q -c $uri undefine $name *> $null }
    }

    Get-VirtHost -Name "$prefix-*" -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore
}
