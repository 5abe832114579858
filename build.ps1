<#
.SYNOPSIS
    The single front door for building, testing and demonstrating LibVirtPS.
.DESCRIPTION
    Tasks:
      Build  lays out an importable module in out/LibVirtPS (assemblies, manifest, format files, MAML help, samples).
      Docs   converts docs/help/*.md to MAML into the module folder (part of Build).
      Test   builds, runs the xunit suite and the Pester suite, and ends with the line 'N passed, N failed, N skipped'.
      Demo   builds and runs a short tour on the embedded test hypervisor.
.EXAMPLE
    dotnet pwsh -NoProfile -File build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Docs', 'Test', 'Demo')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to run; by default every tag (Integration tests skip themselves where no libvirtd can run).
    [string[]] $Tag
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleOut = Join-Path $root 'out/LibVirtPS'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native([string] $what, [scriptblock] $command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed with exit code $LASTEXITCODE" }
}

# Runs a fresh PowerShell of the same version as this one (also when this one runs as a dotnet tool).
function Invoke-FreshPwsh {
    $self = Get-Process -Id $PID
    if ($self.ProcessName -eq 'dotnet') { & $self.Path (Join-Path $PSHOME 'pwsh.dll') @args }
    else { & $self.Path @args }
}

function Invoke-Docs {
    $helpOut = Join-Path $moduleOut 'en-US'
    New-Item -ItemType Directory -Force -Path $helpOut | Out-Null
    & (Join-Path $root 'tools/Convert-HelpToMaml.ps1') -HelpPath (Join-Path $root 'docs/help') `
        -OutputPath (Join-Path $helpOut 'LibVirtPS.dll-Help.xml') -AboutOutputPath $helpOut
}

function Invoke-Build {
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $root 'LibVirtPS.slnx') -c $Configuration --nologo -v quiet -clp:ErrorsOnly }
    if (Test-Path $moduleOut) { Remove-Item -Recurse -Force $moduleOut }
    New-Item -ItemType Directory -Force -Path $moduleOut | Out-Null
    $bin = Join-Path $root "src/Cmdlets/bin/$Configuration/net8.0"
    Get-ChildItem $bin -File | Where-Object { $_.Name -like 'LibVirtPS*' -or ($_.Extension -eq '.dll' -and $_.Name -ne 'System.Management.Automation.dll') } | Copy-Item -Destination $moduleOut
    Copy-Item (Join-Path $root 'LibVirtPS.psd1') $moduleOut
    New-Item -ItemType Directory -Force -Path (Join-Path $moduleOut 'formats'), (Join-Path $moduleOut 'samples') | Out-Null
    Copy-Item (Join-Path $root 'formats/*.ps1xml') (Join-Path $moduleOut 'formats')
    Copy-Item (Join-Path $root 'samples/*') (Join-Path $moduleOut 'samples') -Recurse
    Invoke-Docs
    Write-Host "Module laid out in $moduleOut"
}

function Get-PesterManifest {
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path $packages 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester 6.2.0 was not restored to $manifest" }
    $manifest
}

function Start-TestService {
    # Integration tests need a real libvirtd; the script installs and starts one where it can (root on Debian)
    # and otherwise says why the Integration tests will be skipped.
    $provision = Join-Path $root 'tools/Start-Libvirtd.sh'
    if ((Test-Path $provision) -and $IsLinux) {
        & bash $provision
        if ($LASTEXITCODE -ne 0) { Write-Warning "libvirtd provisioning failed (exit $LASTEXITCODE): Integration tests will be skipped" }
    }
}

function Invoke-Test {
    Start-TestService
    Invoke-Build
    $artifacts = Join-Path $root 'artifacts'
    New-Item -ItemType Directory -Force -Path $artifacts | Out-Null
    Get-ChildItem $artifacts -Filter '*.trx' | Remove-Item -Force

    Write-Host '== xunit =='
    dotnet test (Join-Path $root 'tests/Unit/LibVirtPS.Tests.csproj') -c $Configuration --no-build --nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=minimal' --results-directory $artifacts
    $xunitExit = $LASTEXITCODE
    $trxPath = Join-Path $artifacts 'xunit.trx'
    $x = @{ passed = 0; failed = 0; skipped = 0 }
    if (Test-Path $trxPath) {
        $counters = ([xml](Get-Content -Raw $trxPath)).TestRun.ResultSummary.Counters
        $x.passed = [int]$counters.passed
        $x.failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $x.skipped = [int]$counters.notExecuted
    }
    if ($xunitExit -ne 0 -and $x.failed -eq 0) { $x.failed = 1 }   # the run itself broke

    Write-Host '== Pester =='
    $pesterScript = {
        param($pester, $testsPath, $modulePath, $tags, $resultPath)
        $env:NO_COLOR = '1'
        Import-Module $pester -Force
        $cfg = New-PesterConfiguration
        $cfg.Run.Path = $testsPath
        $cfg.Run.PassThru = $true
        $cfg.Output.Verbosity = 'Normal'
        $cfg.TestResult.Enabled = $true
        $cfg.TestResult.OutputPath = $resultPath
        if ($tags) { $cfg.Filter.Tag = $tags }
        $env:LIBVIRTPS_MODULE = $modulePath
        $r = Invoke-Pester -Configuration $cfg
        "PESTER-COUNTS $($r.PassedCount) $($r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount) $($r.SkippedCount) $($r.Result)"
    }
    # A fresh process, so that the module under test is imported cleanly.
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes(
        "& { $pesterScript } '$(Get-PesterManifest)' '$(Join-Path $root 'tests/Pester')' '$(Join-Path $moduleOut 'LibVirtPS.psd1')' '$($Tag -join ',')' '$(Join-Path $artifacts 'pester.xml')'"))
    $p = @{ passed = 0; failed = 1; skipped = 0 }
    Invoke-FreshPwsh -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded | ForEach-Object {
        if ($_ -match '^PESTER-COUNTS (\d+) (\d+) (\d+) (\w+)') {
            $p = @{ passed = [int]$Matches[1]; failed = [int]$Matches[2]; skipped = [int]$Matches[3] }
            if ($Matches[4] -ne 'Passed' -and $p.failed -eq 0) { $p.failed = 1 }
        }
        else { $_ }
    }

    $passed = $x.passed + $p.passed
    $failed = $x.failed + $p.failed
    $skipped = $x.skipped + $p.skipped
    Write-Host "xunit: $($x.passed) passed, $($x.failed) failed, $($x.skipped) skipped"
    Write-Host "Pester: $($p.passed) passed, $($p.failed) failed, $($p.skipped) skipped"
    "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Invoke-FreshPwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/Tour.ps1') -ModulePath (Join-Path $moduleOut 'LibVirtPS.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Docs' { Invoke-Docs }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
}
