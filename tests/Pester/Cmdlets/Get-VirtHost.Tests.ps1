BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Get-VirtHost' -Tag Unit {
    AfterEach { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Get-VirtHost | Should -Be @('Name')
    }

    It 'returns the default host when none is connected' {
        $h = Get-VirtHost
        $h | Should -HaveCount 1
        $h.Uri | Should -Be 'test:///default'
        $h.PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Engine.Model.VirtHost'
    }

    It 'returns connected hosts by name with wildcards' {
        New-TestHost -Name 'alpha' | Out-Null
        New-TestHost -Name 'beta' | Out-Null
        (Get-VirtHost).Name | Should -Be @('alpha', 'beta')
        (Get-VirtHost 'al*').Name | Should -Be 'alpha'
    }

    It 'reports a literal name that is not connected as HostNotFound' {
        { Get-VirtHost nothere -ErrorAction Stop } | Should -Throw -ErrorId 'HostNotFound,LibVirtPS.Commands.Host.GetVirtHostCommand'
    }

    It 'renders hypervisor, CPUs and memory in GiB' {
        $text = Get-VirtHost | Out-String
        $text | Should -Match 'TEST 0\.0\.2'
        $text | Should -Match '3\.00'
    }
}
