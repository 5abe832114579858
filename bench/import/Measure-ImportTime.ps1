<#
.SYNOPSIS
    Measures how long Import-Module LibVirtPS adds to a fresh PowerShell start.
.DESCRIPTION
    Runs a bare 'pwsh -NoProfile -c exit' (the peer) and 'pwsh -NoProfile -c Import-Module <psd1>' alternately,
    Count times each, and prints the median of each and the difference: the module's own import cost.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/import/Measure-ImportTime.ps1 -Count 10
#>
param(
    [int] $Count = 10,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/LibVirtPS/LibVirtPS.psd1')
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$self = Get-Process -Id $PID
$launcher = if ($self.ProcessName -eq 'dotnet') { @($self.Path, (Join-Path $PSHOME 'pwsh.dll')) } else { @($self.Path) }

function Measure-Start([string] $command) {
    $exe = $launcher[0]
    $argList = @($launcher | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-c', $command)
    (Measure-Command { & $exe @argList | Out-Null }).TotalMilliseconds
}

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

Measure-Start 'exit' | Out-Null   # warm the disk cache once
$bare = [System.Collections.Generic.List[double]]::new()
$import = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Count; $i++) {
    $bare.Add((Measure-Start 'exit'))
    $import.Add((Measure-Start "Import-Module '$ModulePath'"))
}

$bareMedian = Get-Median $bare
$importMedian = Get-Median $import
'pwsh -NoProfile bare start (peer): median {0:N0} ms over {1} runs' -f $bareMedian, $Count
'pwsh -NoProfile with Import-Module : median {0:N0} ms over {1} runs' -f $importMedian, $Count
'Import-Module LibVirtPS adds       : {0:N0} ms (ratio {1:N2} of a bare start)' -f ($importMedian - $bareMedian), ($importMedian / $bareMedian)
