BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Get-VirtDomain' -Tag Unit {
    AfterAll { Remove-TestHost }

    Context 'Parameters' {
        It 'has exactly the documented parameters' {
            Get-DeclaredParameter Get-VirtDomain | Should -Be @('Name', 'Server', 'State', 'Uuid')
        }
    }

    Context 'The embedded default host' {
        It 'lists the running domain test exactly as libvirt test driver has it' {
            $d = Get-VirtDomain
            $d | Should -HaveCount 1
            $d.Name | Should -Be 'test'
            $d.State | Should -Be 'Running'
            $d.Id | Should -Be 1
            $d.Uuid | Should -Be ([guid]'6695eb01-f6a4-8304-79aa-97f2502e193f')
            $d.MemoryBytes | Should -Be (2GB)
            $d.MaxMemoryBytes | Should -Be (8GB)
            $d.VirtualCpus | Should -Be 2
            $d.Persistent | Should -BeTrue
            $d.Autostart | Should -BeFalse
            $d.Host.Uri | Should -Be 'test:///default'
            $d.PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Engine.Model.VirtDomain'
        }
    }

    Context 'Selecting domains' {
        BeforeAll {
            $script:lab = New-TestHost -Domain @(
                @{ Name = 'web01'; State = 'Running' }, @{ Name = 'web02' }, @{ Name = 'db01'; State = 'Paused' })
        }

        It 'matches wildcards case-insensitively' {
            (Get-VirtDomain -Name 'WEB*' -Server $lab).Name | Sort-Object | Should -Be @('web01', 'web02')
        }

        It 'reports a literal name that does not exist as DomainNotFound and still returns the others' {
            $found = Get-VirtDomain -Name 'web01', 'nope' -Server $lab -ErrorVariable err -ErrorAction SilentlyContinue
            $found.Name | Should -Be 'web01'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'DomainNotFound,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'nope'
        }

        It 'is silent when a wildcard matches nothing' {
            Get-VirtDomain -Name 'zz*' -Server $lab -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }

        It 'finds domains by UUID' {
            $web = Get-VirtDomain web02 -Server $lab
            (Get-VirtDomain -Uuid $web.Uuid -Server $lab).Name | Should -Be 'web02'
        }

        It 'reports an unknown UUID as DomainNotFound' {
            { Get-VirtDomain -Uuid ([guid]::NewGuid()) -Server $lab -ErrorAction Stop } |
                Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
        }

        It 'filters by state' {
            (Get-VirtDomain -Server $lab -State Paused).Name | Should -Be 'db01'
            (Get-VirtDomain -Server $lab -State Running, ShutOff).Name | Sort-Object | Should -Be @('web01', 'web02')
        }

        It 'gives inactive domains a null Id and running ones an Id' {
            (Get-VirtDomain web02 -Server $lab).Id | Should -BeNullOrEmpty
            (Get-VirtDomain web01 -Server $lab).Id | Should -BeGreaterThan 0
        }

        It 'binds names from the pipeline by value and by property name' {
            ('web01', 'db01' | Get-VirtDomain -Server $lab).Name | Should -Be @('web01', 'db01')
            ([pscustomobject]@{ Name = 'web02' } | Get-VirtDomain -Server $lab).Name | Should -Be 'web02'
            ([pscustomobject]@{ VMName = 'db01' } | Get-VirtDomain -Server $lab).Name | Should -Be 'db01'
        }

        It 'carries its host so that piping returns to the same connection' {
            (Get-VirtDomain web01 -Server $lab).Host.Name | Should -Be $lab.Name
        }

        It 'lists every connected host when -Server is not given' {
            $other = New-TestHost -Domain @(@{ Name = 'other01' })
            (Get-VirtDomain).Name | Should -Contain 'other01'
            (Get-VirtDomain).Name | Should -Contain 'web01'
            $other | Disconnect-VirtHost
        }

        It 'reports a host that fails with its own error while the other hosts carry on' {
            $closed = New-TestHost -Domain @(@{ Name = 'lost01' })
            $closed | Disconnect-VirtHost
            $found = Get-VirtDomain -Name '*01' -Server $closed, $lab -ErrorVariable err -ErrorAction SilentlyContinue
            $found.Name | Sort-Object | Should -Be @('db01', 'web01')
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NotConnected,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
            $err[0].TargetObject | Should -Be $closed.Name
        }

        It 'renders the table view with states as words and memory in GiB' {
            $text = Get-VirtDomain db01 -Server $lab | Out-String
            $text | Should -Match 'db01\s+Paused'
            $text | Should -Match 'Memory\(GiB\)'
            $text | Should -Match '0\.50'
        }
    }
}
