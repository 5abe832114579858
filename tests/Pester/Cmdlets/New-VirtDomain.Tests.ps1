BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'New-VirtDomain' -Tag Unit {
    BeforeAll { $script:lab = New-TestHost -Domain @(@{ Name = 'existing' }) }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter New-VirtDomain | Should -Be @('Path', 'Server', 'Xml')
    }

    It 'defines a persistent, shut off domain from XML text' {
        $d = New-VirtDomain -Xml (New-TestDomainXml -Name 'fromxml') -Server $lab
        $d.Name | Should -Be 'fromxml'
        $d.State | Should -Be 'ShutOff'
        $d.Persistent | Should -BeTrue
        $d.MaxMemoryBytes | Should -Be (1GB)
        (Get-VirtDomain fromxml -Server $lab) | Should -Not -BeNullOrEmpty
    }

    It 'defines a domain from a file, and takes XML from the pipeline' {
        $file = Join-Path $TestDrive 'dom.xml'
        New-TestDomainXml -Name 'fromfile' | Set-Content $file
        (New-VirtDomain -Path $file -Server $lab).Name | Should -Be 'fromfile'
        (New-TestDomainXml -Name 'frompipe' | New-VirtDomain -Server $lab).Name | Should -Be 'frompipe'
    }

    It 'defines nothing with -WhatIf' {
        New-VirtDomain -Xml (New-TestDomainXml -Name 'whatif') -Server $lab -WhatIf
        Get-VirtDomain whatif -Server $lab -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'names the line and element of malformed XML, and changes nothing' {
        $before = (Get-VirtDomain -Server $lab).Count
        $bad = "<domain type='test'>`n  <name>broken</name>`n  <memory>1024</memory>`n  <devices><disk type='file'><source file='/x'/></disk></devices>`n</domain>"
        $err = { New-VirtDomain -Xml $bad -Server $lab -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidXml,LibVirtPS.Commands.Domain.NewVirtDomainCommand' -PassThru
        $err.Exception.Message | Should -Match 'line 4'
        $err.Exception.Message | Should -Match '<disk>'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        (Get-VirtDomain -Server $lab).Count | Should -Be $before
    }

    It 'reports XML that is not well formed with its line number' {
        $err = { New-VirtDomain -Xml "<domain type='test'>`n<name>x</name>`n<memory>1</memory`n</domain>" -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidXml,LibVirtPS.Commands.Domain.NewVirtDomainCommand' -PassThru
        $err.Exception.Message | Should -Match 'line [34]'
    }

    It 'refuses a second domain with an existing name and another UUID' {
        { New-VirtDomain -Xml (New-TestDomainXml -Name 'existing') -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationFailed,LibVirtPS.Commands.Domain.NewVirtDomainCommand'
    }

    It 'reports a missing file as FileNotFound' {
        { New-VirtDomain -Path (Join-Path $TestDrive 'missing.xml') -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileNotFound,LibVirtPS.Commands.Domain.NewVirtDomainCommand'
    }

    It 'asks for -Server when several hosts are connected' {
        $second = New-TestHost
        { New-VirtDomain -Xml (New-TestDomainXml -Name 'ambiguous') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServerRequired,LibVirtPS.Commands.Domain.NewVirtDomainCommand'
        $second | Disconnect-VirtHost
    }
}
