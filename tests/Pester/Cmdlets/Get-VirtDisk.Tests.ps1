BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Get-VirtDisk' -Tag Unit {
    BeforeAll {
        # The shared default host, taken before any test host is connected.
        $script:default = Get-VirtHost
        $disks = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/a.qcow2'/><target dev='vda' bus='virtio'/></disk>" +
            "<disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/vg/b'/><target dev='vdb' bus='virtio'/></disk>" +
            "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sda' bus='sata'/><readonly/></disk>"
        $script:lab = New-TestHost -Domain @(@{ Name = 'd1'; Disks = $disks })
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Get-VirtDisk | Should -Be @('Domain', 'Inactive', 'InputObject', 'Server', 'Target')
    }

    It 'lists the disk of the default domain' {
        $d = Get-VirtDisk test -Server $default
        $d.Target | Should -Be 'vda'
        $d.Device | Should -Be 'disk'
        $d.Bus | Should -Be 'virtio'
        $d.Type | Should -Be 'file'
        $d.Source | Should -Be '/guest/diskimage1'
        $d.DomainName | Should -Be 'test'
    }

    It 'lists every disk with target, device, bus, type, format and source' {
        $d = Get-VirtDomain d1 -Server $lab | Get-VirtDisk
        $d.Target | Should -Be @('vda', 'vdb', 'sda')
        $d.Type | Should -Be @('file', 'block', 'file')
        $d.Format | Should -Be @('qcow2', 'raw', 'raw')
        $d.Source | Should -Be @('/img/a.qcow2', '/dev/vg/b', $null)
        $d[2].Device | Should -Be 'cdrom'
        $d[2].ReadOnly | Should -BeTrue
    }

    It 'filters by target with wildcards' {
        (Get-VirtDisk d1 -Server $lab -Target 'vd*').Target | Should -Be @('vda', 'vdb')
    }

    It 'binds the domain name by property name' {
        ([pscustomobject]@{ DomainName = 'd1' } | Get-VirtDisk -Server $lab -Target sda).Device | Should -Be 'cdrom'
    }

    It 'reports an unknown domain as DomainNotFound' {
        { Get-VirtDisk nosuch -Server $lab -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Disk.GetVirtDiskCommand'
    }

    It 'reads piped domains in input order, with an error for one that is gone and the disks of the others' {
        $one = "<disk type='file' device='disk'><source file='/img/x.qcow2'/><target dev='vda' bus='virtio'/></disk>"
        $piped = New-TestHost -Domain @(1..5 | ForEach-Object { @{ Name = "p$_"; Disks = $one } })
        $domains = Get-VirtDomain -Server $piped | Sort-Object Name -Descending
        Remove-VirtDomain p2 -Server $piped -Confirm:$false

        $disks = @($domains | Get-VirtDisk -ErrorVariable failures -ErrorAction SilentlyContinue)

        $disks.DomainName | Should -Be @('p5', 'p4', 'p3', 'p1')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DomainNotFound,LibVirtPS.Commands.Disk.GetVirtDiskCommand'
        @($domains[0] | Get-VirtBackingChain).Count | Should -Be 1
    }

    It 'renders a table grouped by domain' {
        $text = Get-VirtDisk d1 -Server $lab | Out-String
        $text | Should -Match 'Domain: d1'
        $text | Should -Match 'vdb\s+disk\s+virtio\s+block\s+raw\s+/dev/vg/b'
    }
}
