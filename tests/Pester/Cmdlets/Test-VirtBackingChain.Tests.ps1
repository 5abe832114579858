BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Test-VirtBackingChain' -Tag Unit {
    BeforeDiscovery {
        $script:noQemu = -not (Get-Command qemu-img -ErrorAction SilentlyContinue)
    }

    BeforeAll {
        function New-Image([string] $Name, [string] $Format = 'qcow2', [string] $Backing, [string] $BackingFormat) {
            $arguments = @('create', '-q', '-f', $Format)
            if ($Backing) { $arguments += '-u', '-b', $Backing, '-F', $BackingFormat }
            & qemu-img @arguments (Join-Path $TestDrive $Name) '1M'
            if ($LASTEXITCODE -ne 0) { throw "qemu-img create $Name failed" }
        }
        function Get-DiskXml([string] $Path, [string] $Target = 'vda', [string] $BackingStore = '') {
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$Path'/>$BackingStore<target dev='$Target' bus='virtio'/></disk>"
        }
        New-Image base.raw -Format raw
        New-Image mid.qcow2 -Backing base.raw -BackingFormat raw
        New-Image top.qcow2 -Backing mid.qcow2 -BackingFormat qcow2
        New-Image other.qcow2
        New-Image broken.qcow2 -Backing gone.qcow2 -BackingFormat qcow2
        $script:top = Join-Path $TestDrive top.qcow2
        $script:broken = Join-Path $TestDrive broken.qcow2
        $wrongStore = "<backingStore type='file'><format type='qcow2'/><source file='$(Join-Path $TestDrive other.qcow2)'/><backingStore/></backingStore>"
        $script:lab = New-TestHost -Domain @(
            @{ Name = 'healthy'; Disks = (Get-DiskXml $top) }
            @{ Name = 'damaged'; Disks = (Get-DiskXml $top) + (Get-DiskXml $broken -Target vdb) }
            @{ Name = 'misdescribed'; Disks = (Get-DiskXml $top -BackingStore $wrongStore) }
        )
        # Two running domains that write the same file, on a host of their own.
        $script:shared = New-TestHost -Domain @(
            @{ Name = 'writer1'; State = 'Running'; Disks = (Get-DiskXml $top) }
            @{ Name = 'writer2'; State = 'Running'; Disks = (Get-DiskXml $top) }
            @{ Name = 'stopped'; State = 'ShutOff'; Disks = (Get-DiskXml $top) }
        )
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Test-VirtBackingChain |
            Should -Be @('Detailed', 'Disk', 'Domain', 'Format', 'InputObject', 'LiteralPath', 'MaxDepth', 'Path', 'Server', 'Target')
    }

    It 'writes one Boolean per image path: True for a sound chain, False for a broken or missing one' -Skip:$noQemu {
        $result = @(Test-VirtBackingChain -Path $top, $broken)
        $result | Should -Be @($true, $false)
        $result[0] | Should -BeOfType [bool]
        Test-VirtBackingChain -LiteralPath (Join-Path $TestDrive nothing.qcow2) | Should -BeFalse
    }

    It 'reports a missing layer with -Detailed, and nothing for a sound chain' -Skip:$noQemu {
        Test-VirtBackingChain -Path $top -Detailed | Should -BeNullOrEmpty
        $findings = @(Test-VirtBackingChain -Path $broken -Detailed)
        $findings | Should -HaveCount 1
        $findings[0].Kind | Should -Be 'MissingLayer'
        $findings[0].Severity | Should -Be 'Error'
        $findings[0].Depth | Should -Be 1
        $findings[0].Path | Should -Be (Join-Path $TestDrive gone.qcow2)
        $findings[0].PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Engine.Chains.ChainFinding'
    }

    It 'applies -MaxDepth and -Format to image paths' -Skip:$noQemu {
        (Test-VirtBackingChain -Path $top -MaxDepth 1 -Detailed).Kind | Should -Be 'TooDeep'
        Test-VirtBackingChain -Path $broken -Format raw | Should -BeTrue
    }

    It 'writes one Boolean per domain, over the disks -Target selects' -Skip:$noQemu {
        Test-VirtBackingChain healthy, damaged -Server $lab | Should -Be @($true, $false)
        Test-VirtBackingChain damaged -Target vda -Server $lab | Should -BeTrue
        Get-VirtDomain damaged -Server $lab | Test-VirtBackingChain | Should -BeFalse
    }

    It 'writes the results of piped domains in input order, with an error for one that is gone' -Skip:$noQemu {
        $scratch = New-TestHost -Domain @(
            @{ Name = 'a'; Disks = (Get-DiskXml $top) }
            @{ Name = 'b'; Disks = (Get-DiskXml $broken) }
            @{ Name = 'c'; Disks = (Get-DiskXml $top) }
            @{ Name = 'd'; Disks = (Get-DiskXml $broken) })
        $domains = Get-VirtDomain -Server $scratch | Sort-Object Name -Descending
        Remove-VirtDomain c -Server $scratch -Confirm:$false

        $result = @($domains | Test-VirtBackingChain -ErrorVariable failures -ErrorAction SilentlyContinue)

        $result | Should -Be @($false, $false, $true)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DomainNotFound,LibVirtPS.Commands.Disk.TestVirtBackingChainCommand'
    }

    It 'writes one Boolean per disk from the pipeline' -Skip:$noQemu {
        Get-VirtDisk damaged -Server $lab | Test-VirtBackingChain | Should -Be @($true, $false)
    }

    It 'names the domain and disk of each finding' -Skip:$noQemu {
        $finding = Test-VirtBackingChain damaged -Server $lab -Detailed
        $finding.Kind | Should -Be 'MissingLayer'
        $finding.Domain | Should -Be 'damaged'
        $finding.Target | Should -Be 'vdb'
    }

    It 'finds an XML chain that disagrees with the image headers' -Skip:$noQemu {
        Test-VirtBackingChain misdescribed -Server $lab | Should -BeFalse
        $finding = @(Test-VirtBackingChain misdescribed -Server $lab -Detailed | Where-Object Kind -EQ 'XmlDisagreesWithImage')
        $finding | Should -HaveCount 1
        $finding[0].Severity | Should -Be 'Error'
        $finding[0].Message | Should -Match 'names .*mid\.qcow2.* as its backing file'
    }

    It 'finds an active image written by two running domains, and not for a stopped domain' -Skip:$noQemu {
        Test-VirtBackingChain writer1, writer2, stopped -Server $shared | Should -Be @($false, $false, $true)
        $findings = @(Test-VirtBackingChain writer1 -Server $shared -Detailed | Where-Object Kind -EQ 'LayerSharedByRunningDomains')
        $findings.Depth | Should -Be @(0, 1, 2)
        $findings[0].Severity | Should -Be 'Error'
        $findings[0].Message | Should -Match 'writer1, writer2'
    }

    It 'shows findings as a table' -Skip:$noQemu {
        $text = Test-VirtBackingChain damaged -Server $lab -Detailed | Out-String -Width 200
        $text | Should -Match 'Severity\s+Kind\s+Disk\s+Depth Message'
        $text | Should -Match 'Error\s+MissingLayer\s+damaged:vdb\s+1 Cannot access backing file'
    }
}
