BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Start-VirtDomain' -Tag Unit {
    BeforeAll {
        $script:lab = New-TestHost -Domain @(@{ Name = 'a' }, @{ Name = 'b' }, @{ Name = 'up'; State = 'Running' })
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Start-VirtDomain | Should -Be @('InputObject', 'Name', 'PassThru', 'Server', 'Uuid')
        Get-ConfirmImpact Start-VirtDomain | Should -Be 'Low'
    }

    It 'changes nothing with -WhatIf' {
        Start-VirtDomain a -Server $lab -WhatIf
        (Get-VirtDomain a -Server $lab).State | Should -Be 'ShutOff'
    }

    It 'starts a domain by name and writes nothing without -PassThru' {
        Start-VirtDomain a -Server $lab | Should -BeNullOrEmpty
        (Get-VirtDomain a -Server $lab).State | Should -Be 'Running'
    }

    It 'starts piped domain objects and returns them with -PassThru' {
        $after = Get-VirtDomain b -Server $lab | Start-VirtDomain -PassThru
        $after.State | Should -Be 'Running'
        $after.Id | Should -BeGreaterThan 0
    }

    It 'reports OperationInvalid for a running domain and goes on with the other inputs' {
        Stop-VirtDomain a -Server $lab -Force
        $out = Get-VirtDomain up, a -Server $lab | Start-VirtDomain -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be 'a'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'OperationInvalid,LibVirtPS.Commands.Domain.StartVirtDomainCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be 'up'
    }

    It 'reports DomainNotFound for an unknown name' {
        { Start-VirtDomain nothere -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Domain.StartVirtDomainCommand'
    }

    It 'starts by UUID' {
        Stop-VirtDomain a -Server $lab -Force
        $uuid = (Get-VirtDomain a -Server $lab).Uuid
        (Start-VirtDomain -Uuid $uuid -Server $lab -PassThru).State | Should -Be 'Running'
    }
}
