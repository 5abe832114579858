BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Disconnect-VirtHost' -Tag Unit {
    AfterEach { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Disconnect-VirtHost | Should -Be @('Name', 'PassThru', 'Server')
    }

    It 'disconnects by name and forgets the host' {
        New-TestHost -Name 'one' | Out-Null
        New-TestHost -Name 'two' | Out-Null
        Disconnect-VirtHost one
        (Get-VirtHost).Name | Should -Be 'two'
    }

    It 'disconnects piped hosts and returns them with -PassThru' {
        $h = New-TestHost -Name 'piped'
        $out = $h | Disconnect-VirtHost -PassThru
        $out.Name | Should -Be 'piped'
        $out.IsConnected | Should -BeFalse
        Get-VirtHost piped -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps the connection with -WhatIf' {
        New-TestHost -Name 'stay' | Out-Null
        Disconnect-VirtHost stay -WhatIf
        (Get-VirtHost stay).IsConnected | Should -BeTrue
    }

    It 'disconnects every host by default' {
        New-TestHost | Out-Null
        New-TestHost | Out-Null
        Disconnect-VirtHost
        (Get-VirtHost).Uri | Should -Be 'test:///default'
    }

    It 'reports a literal name that is not connected as HostNotFound' {
        { Disconnect-VirtHost nothere -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostNotFound,LibVirtPS.Commands.Host.DisconnectVirtHostCommand'
    }

    It 'makes calls on a disconnected host fail with NotConnected' {
        $h = New-TestHost -Name 'closed' -Domain @(@{ Name = 'z' })
        $h | Disconnect-VirtHost
        { Get-VirtDomain -Server $h -ErrorAction Stop } | Should -Throw -ErrorId 'NotConnected,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
    }
}
