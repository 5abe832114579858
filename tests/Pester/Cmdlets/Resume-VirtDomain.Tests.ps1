BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Resume-VirtDomain' -Tag Unit {
    BeforeAll { $script:lab = New-TestHost -Domain @(@{ Name = 'p'; State = 'Paused' }, @{ Name = 'r'; State = 'Running' }) }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Resume-VirtDomain | Should -Be @('InputObject', 'Name', 'PassThru', 'Server', 'Uuid')
    }

    It 'changes nothing with -WhatIf' {
        Resume-VirtDomain p -Server $lab -WhatIf
        (Get-VirtDomain p -Server $lab).State | Should -Be 'Paused'
    }

    It 'continues a paused domain' {
        (Get-VirtDomain p -Server $lab | Resume-VirtDomain -PassThru).State | Should -Be 'Running'
    }

    It 'reports OperationInvalid for a domain that is not paused' {
        { Resume-VirtDomain r -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.ResumeVirtDomainCommand'
    }
}
