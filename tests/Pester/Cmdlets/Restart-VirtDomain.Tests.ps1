BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Restart-VirtDomain' -Tag Unit {
    BeforeAll { $script:lab = New-TestHost -Domain @(@{ Name = 'r'; State = 'Running' }, @{ Name = 'off' }) }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Restart-VirtDomain | Should -Be @('InputObject', 'Name', 'PassThru', 'Server', 'Uuid')
    }

    It 'reboots a running domain, which stays running' {
        (Restart-VirtDomain r -Server $lab -PassThru).State | Should -Be 'Running'
    }

    It 'has ConfirmImpact Medium' {
        Get-ConfirmImpact Restart-VirtDomain | Should -Be 'Medium'
    }

    It 'reports OperationInvalid for an inactive domain' {
        { Restart-VirtDomain off -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.RestartVirtDomainCommand'
    }
}
