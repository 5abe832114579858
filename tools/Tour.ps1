<#
.SYNOPSIS
    A short tour of LibVirtPS on the embedded test hypervisor: no libvirt host is needed.
#>
param(
    [Parameter(Mandatory)]
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Step([string] $text) { Write-Host "`n>>> $text" -ForegroundColor Cyan }

Step 'The embedded test hypervisor (the default host when no libvirtd answers on this machine)'
Connect-VirtHost test:///default
Get-VirtHost | Format-Table -AutoSize | Out-Host
Get-VirtDomain | Format-Table -AutoSize | Out-Host
Disconnect-VirtHost

Step 'Open the sample lab shipped with the module'
$lab = Join-Path (Get-Module LibVirtPS).ModuleBase 'samples/lab.xml'
Connect-VirtHost -Uri "test://$lab" -Name lab -PassThru | Format-Table -AutoSize | Out-Host
Get-VirtDomain -Server (Get-VirtHost lab) | Format-Table -AutoSize | Out-Host

Step 'Stop a running domain gracefully, then start it again'
$web = Get-VirtDomain -Name web01 -Server (Get-VirtHost lab)
$web | Stop-VirtDomain -PassThru | Format-Table -AutoSize | Out-Host
$web | Start-VirtDomain -PassThru | Format-Table -AutoSize | Out-Host

Step 'Pause and resume one'
$web | Suspend-VirtDomain -PassThru | Select-Object Name, State | Out-Host
$web | Resume-VirtDomain -PassThru | Select-Object Name, State | Out-Host

Step "The disks of fedora-live"
Get-VirtDisk -Domain fedora-live -Server (Get-VirtHost lab) | Out-Host

Step 'Its backing chains as a tree'
Get-VirtDomain fedora-live -Server (Get-VirtHost lab) | Get-VirtBackingChain | Out-Host

Step 'Every chain in the lab'
Get-VirtDomain -Server (Get-VirtHost lab) | Get-VirtBackingChain | Out-Host

Disconnect-VirtHost lab
Write-Host "`nTour complete." -ForegroundColor Green
