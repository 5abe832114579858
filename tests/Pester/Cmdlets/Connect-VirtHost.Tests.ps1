BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Connect-VirtHost' -Tag Unit {
    AfterEach { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Connect-VirtHost | Should -Be @('Name', 'PassThru', 'Uri')
    }

    It 'connects to test:///default and reports its node facts' {
        $h = Connect-VirtHost test:///default -PassThru
        $h.Name | Should -Be 'test:///default'
        $h.HypervisorType | Should -Be 'TEST'
        $h.Cpus | Should -Be 16
        $h.MemoryBytes | Should -Be (3145728 * 1KB)
        $h.CpuModel | Should -Be 'i686'
        $h.IsConnected | Should -BeTrue
        (Get-VirtHost).Name | Should -Be 'test:///default'
    }

    It 'writes nothing without -PassThru and remembers the connection under its -Name' {
        Connect-VirtHost test:///default -Name mylab | Should -BeNullOrEmpty
        (Get-VirtHost mylab).Uri | Should -Be 'test:///default'
    }

    It 'connects with the default URI when none is given' {
        (Connect-VirtHost -PassThru).Uri | Should -Be $(if ($env:LIBVIRT_DEFAULT_URI) { $env:LIBVIRT_DEFAULT_URI } else { 'test:///default' })
    }

    It 'connects to nothing with -WhatIf' {
        Connect-VirtHost test:///default -Name whatif -WhatIf
        Get-VirtHost whatif -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports a malformed URI as InvalidUri' {
        $err = { Connect-VirtHost 'qemu+bogus://host/system' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidUri,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports a host that only libvirt client-side drivers serve as NotSupported' {
        $err = { Connect-VirtHost 'esx://vcenter.example/?no_verify=1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotSupported,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
    }

    It 'reports a missing node file as ConnectionFailed' {
        { Connect-VirtHost "test://$(Join-Path $TestDrive 'none.xml')" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand'
    }

    It 'shares one in-memory host per URI' {
        $a = New-TestHost -Domain @(@{ Name = 'shared' })
        Connect-VirtHost $a.Uri -Name second
        Start-VirtDomain shared -Server $a
        (Get-VirtDomain shared -Server (Get-VirtHost second)).State | Should -Be 'Running'
    }
}
