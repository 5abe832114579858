BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Remove-VirtDomain' -Tag Unit {
    BeforeAll {
        $script:lab = New-TestHost -Domain @(@{ Name = 'gone1' }, @{ Name = 'gone2' }, @{ Name = 'busy'; State = 'Running' }, @{ Name = 'keep' })
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters and ConfirmImpact High' {
        Get-DeclaredParameter Remove-VirtDomain | Should -Be @('Force', 'InputObject', 'Name', 'Server', 'Uuid')
        Get-ConfirmImpact Remove-VirtDomain | Should -Be 'High'
    }

    It 'removes nothing with -WhatIf' {
        Remove-VirtDomain gone1 -Server $lab -WhatIf
        Get-VirtDomain gone1 -Server $lab | Should -Not -BeNullOrEmpty
    }

    It 'removes an inactive domain by name and by pipeline' {
        Remove-VirtDomain gone1 -Server $lab -Confirm:$false
        Get-VirtDomain gone2 -Server $lab | Remove-VirtDomain -Confirm:$false
        Get-VirtDomain 'gone*' -Server $lab | Should -BeNullOrEmpty
        Get-VirtDomain keep -Server $lab | Should -Not -BeNullOrEmpty
    }

    It 'refuses an active domain without -Force' {
        { Remove-VirtDomain busy -Server $lab -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.RemoveVirtDomainCommand'
        (Get-VirtDomain busy -Server $lab).State | Should -Be 'Running'
    }

    It 'stops and removes an active domain with -Force' {
        Remove-VirtDomain busy -Server $lab -Force -Confirm:$false
        Get-VirtDomain busy -Server $lab -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports an unknown name as DomainNotFound' {
        { Remove-VirtDomain ghost -Server $lab -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Domain.RemoveVirtDomainCommand'
    }
}
