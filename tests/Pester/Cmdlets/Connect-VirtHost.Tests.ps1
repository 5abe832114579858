BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Connect-VirtHost' -Tag Unit {
    AfterEach { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Connect-VirtHost | Should -Be @('Credential', 'KeyFilePath', 'Name', 'PassThru', 'TimeoutSec', 'Uri')
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
        # LIBVIRT_DEFAULT_URI, else a local daemon that answers, else test:///default: the engine's rule, which has its own tests.
        (Connect-VirtHost -PassThru).Uri | Should -Be ([LibVirtPS.Commands.Common.ModuleSession]::Connections.ResolveDefaultUri())
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

    It 'connects several URIs at once, and a failing one does not stop the others' {
        $lab = New-TestHost -Domain @(@{ Name = 'several' })
        $hosts = Connect-VirtHost 'test:///default', 'qemu+bogus:///system', $lab.Uri -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        $hosts.Uri | Should -Be @('test:///default', $lab.Uri)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidUri,LibVirtPS.Commands.Host.ConnectVirtHostCommand'
        $failures[0].TargetObject | Should -Be 'qemu+bogus:///system'
        (Get-VirtDomain several).HostName | Should -Contain $lab.Uri
    }

    It 'refuses -Name with several URIs' {
        { Connect-VirtHost 'test:///default', 'test:///default' -Name two -ErrorAction Stop } |
            Should -Throw -ErrorId 'NameNeedsSingleUri,LibVirtPS.Commands.Host.ConnectVirtHostCommand'
        Get-VirtHost two -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reconnects a host piped to it under the same name' {
        $first = Connect-VirtHost test:///default -Name again -PassThru
        $second = $first | Connect-VirtHost -PassThru
        $second.Name | Should -Be 'again'
        @(Get-VirtHost again).Count | Should -Be 1
        [object]::ReferenceEquals((Get-VirtHost again), $second) | Should -BeTrue
    }

    It 'names neither the password nor the passphrase in verbose output' {
        $secret = ConvertTo-SecureString 'n0t-written-anywhere' -AsPlainText -Force
        $cred = [pscredential]::new('someone', $secret)
        $verbose = Connect-VirtHost test:///default -Name verbose -Credential $cred -Verbose 4>&1 | Out-String
        $verbose | Should -Match 'as someone with a password'
        $verbose | Should -Not -Match 'n0t-written-anywhere'
    }

    It 'shares one in-memory host per URI' {
        $a = New-TestHost -Domain @(@{ Name = 'shared' })
        Connect-VirtHost $a.Uri -Name second
        Start-VirtDomain shared -Server $a
        (Get-VirtDomain shared -Server (Get-VirtHost second)).State | Should -Be 'Running'
    }
}
