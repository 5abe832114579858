BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Stop-VirtDomain' -Tag Unit {
    BeforeAll {
        $script:lab = New-TestHost -Domain @(
            @{ Name = 'g1'; State = 'Running' }, @{ Name = 'g2'; State = 'Running' }, @{ Name = 'off' })
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters and ConfirmImpact Medium' {
        Get-DeclaredParameter Stop-VirtDomain | Should -Be @('Force', 'InputObject', 'Name', 'PassThru', 'Server', 'Uuid')
        Get-ConfirmImpact Stop-VirtDomain | Should -Be 'Medium'
    }

    It 'changes nothing with -WhatIf' {
        Stop-VirtDomain g1 -Server $lab -WhatIf
        (Get-VirtDomain g1 -Server $lab).State | Should -Be 'Running'
    }

    It 'shuts down gracefully by default' {
        (Stop-VirtDomain g1 -Server $lab -PassThru).State | Should -Be 'ShutOff'
    }

    It 'stops at once with -Force' {
        $after = Get-VirtDomain g2 -Server $lab | Stop-VirtDomain -Force -PassThru
        $after.State | Should -Be 'ShutOff'
        $after.Id | Should -BeNullOrEmpty
    }

    It 'reports OperationInvalid for a domain that is not running' {
        { Stop-VirtDomain off -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.StopVirtDomainCommand'
    }

    It 'acts on every domain a wildcard matches' {
        Start-VirtDomain g1, g2 -Server $lab
        Stop-VirtDomain 'g*' -Server $lab -Force
        (Get-VirtDomain 'g*' -Server $lab).State | Sort-Object -Unique | Should -Be 'ShutOff'
    }
}
