<#
.SYNOPSIS
    Times a full inventory (Get-VirtDomain, then Get-VirtDomainXml of every domain) over SSH against the same over
    the local unix socket, with virsh doing the same over both as the peer.
.DESCRIPTION
    Needs root, a running system libvirtd and openssh-server. Starts a throwaway sshd on 127.0.0.1
    (tools/test-sshd.sh), defines Count uniquely named domains on test+unix:///default through the daemon (its
    test:///default is shared by all connections), then measures, alternating the transports so that load from
    elsewhere falls on both alike:
      - LibVirtPS over test+unix:///default and over test+ssh://root@127.0.0.1:PORT/default (virt-ssh-helper);
      - virsh in one session per run (list, then dumpxml of each domain) over the same two URIs.
    Prints the median of Repetitions runs and the ratio ssh/unix for each client. Removes the domains and stops
    sshd at the end, also on failure.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/ssh/Measure-SshInventory.ps1 -Count 1000
#>
param(
    [int] $Count = 1000,
    [int] $Repetitions = 5,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/LibVirtPS/LibVirtPS.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).Path
$sshdScript = Join-Path $PSScriptRoot '../../tools/test-sshd.sh'
$prefix = "libvirtps-sshbench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$work = Join-Path ([IO.Path]::GetTempPath()) $prefix
$sshdDir = Join-Path $work 'sshd'
New-Item -ItemType Directory -Path $work | Out-Null

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

# One LibVirtPS inventory: every domain of the host, and the XML of each of ours.
function Measure-LibVirtPS($server) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $all = @(Get-VirtDomain -Server $server)
    $xml = @($all | Where-Object Name -Like "$prefix-*" | Get-VirtDomainXml)
    $clock.Stop()
    if ($xml.Count -ne $Count) { throw "expected $Count XML documents, got $($xml.Count)" }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Listed = $all.Count }
}

# The same with virsh, in one session: list, then dumpxml of each of ours.
function Measure-Virsh([string] $uri) {
    $script = (@('list --all --name') + ($names | ForEach-Object { "dumpxml $_" })) -join "`n"
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $output = $script | & virsh -q -c $uri
    $clock.Stop()
    if ($LASTEXITCODE -ne 0) { throw "virsh over $uri failed" }
    $documents = @($output | Where-Object { $_ -like '<domain *' }).Count
    if ($documents -ne $Count) { throw "virsh over $uri returned $documents XML documents, expected $Count" }
    $clock.Elapsed.TotalSeconds
}

$names = 0..($Count - 1) | ForEach-Object { '{0}-{1:0000}' -f $prefix, $_ }
$local = $null
try {
    & bash $sshdScript start $sshdDir | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'the test sshd did not start' }
    $port = ((Get-Content (Join-Path $sshdDir 'env')) -match '^PORT=' -split '=')[1]
    $key = Join-Path $sshdDir 'client_ed25519'
    $localUri = 'test+unix:///default'
    $sshUri = "test+ssh://root@127.0.0.1:$port/default?no_verify=1"
    $virshSshUri = "$sshUri&keyfile=$key"

    $local = Connect-VirtHost $localUri -Name "$prefix-unix" -PassThru
    $ssh = Connect-VirtHost $sshUri -KeyFilePath $key -Name "$prefix-ssh" -PassThru
    $define = [Diagnostics.Stopwatch]::StartNew()
    foreach ($name in $names) {
        $null = New-VirtDomain -Server $local -Xml "<domain type='test'><name>$name</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/$name.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
    }
    Write-Host ("defined {0} domains over the unix socket in {1:0.00} s" -f $Count, $define.Elapsed.TotalSeconds)

    # Warm-up: each client and transport once, so that no measurement pays one-time costs.
    $null = Measure-LibVirtPS $local; $null = Measure-LibVirtPS $ssh
    $null = Measure-Virsh $localUri; $null = Measure-Virsh $virshSshUri

    $runs = @{ OursUnix = @(); OursSsh = @(); VirshUnix = @(); VirshSsh = @() }
    $listed = 0
    for ($i = 0; $i -lt $Repetitions; $i++) {
        $run = Measure-LibVirtPS $local
        $runs.OursUnix += $run.Seconds
        $listed = $run.Listed
        $runs.OursSsh += (Measure-LibVirtPS $ssh).Seconds
        $runs.VirshUnix += Measure-Virsh $localUri
        $runs.VirshSsh += Measure-Virsh $virshSshUri
    }

    $m = @{}
    foreach ($k in $runs.Keys) { $m[$k] = Get-Median $runs[$k] }
    Write-Host ("inventory: {0} domains listed, XML of {1} (median of {2} runs)" -f $listed, $Count, $Repetitions)
    [pscustomobject]@{ Client = 'LibVirtPS'; UnixSeconds = [math]::Round($m.OursUnix, 3); SshSeconds = [math]::Round($m.OursSsh, 3); SshOverUnix = [math]::Round($m.OursSsh / $m.OursUnix, 2) }
    [pscustomobject]@{ Client = 'virsh (one session)'; UnixSeconds = [math]::Round($m.VirshUnix, 3); SshSeconds = [math]::Round($m.VirshSsh, 3); SshOverUnix = [math]::Round($m.VirshSsh / $m.VirshUnix, 2) }
    Write-Host ("LibVirtPS over ssh vs virsh over ssh: {0:0.00}x the time" -f ($m.OursSsh / $m.VirshSsh))
}
finally {
    if ($local -and $local.IsConnected) {
        foreach ($name in $names) { Remove-VirtDomain $name -Server $local -Confirm:$false -ErrorAction Ignore }
    }
    else {
        foreach ($name in $names) { & virsh -q -c test+unix:///default undefine $name *> $null }
    }
    Get-VirtHost -Name "$prefix-*" -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore
    & bash $sshdScript stop $sshdDir *> $null
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
