BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Suspend-VirtDomain' -Tag Unit {
    BeforeAll { $script:lab = New-TestHost -Domain @(@{ Name = 'run'; State = 'Running' }, @{ Name = 'off' }) }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Suspend-VirtDomain | Should -Be @('InputObject', 'Name', 'PassThru', 'Server', 'Uuid')
    }

    It 'changes nothing with -WhatIf' {
        Suspend-VirtDomain run -Server $lab -WhatIf
        (Get-VirtDomain run -Server $lab).State | Should -Be 'Running'
    }

    It 'pauses a running domain, keeping its Id' {
        $id = (Get-VirtDomain run -Server $lab).Id
        $after = Suspend-VirtDomain run -Server $lab -PassThru
        $after.State | Should -Be 'Paused'
        $after.Id | Should -Be $id
    }

    It 'reports OperationInvalid for a paused or inactive domain' {
        { Suspend-VirtDomain run -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.SuspendVirtDomainCommand'
        { Suspend-VirtDomain off -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.SuspendVirtDomainCommand'
    }
}
