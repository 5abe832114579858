BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Get-VirtBackingChain' -Tag Unit {
    BeforeAll {
        # The shared default host, taken before any test host is connected.
        $script:default = Get-VirtHost
        $script:chainDisk = @"
<disk type='network' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source protocol='nbd' name='bar'><host transport='unix' socket='/var/run/nbdsock'/></source>
  <backingStore type='block' index='1'><format type='qcow2'/><source dev='/dev/HostVG/QEMUGuest1'/>
    <backingStore type='file' index='2'><format type='qcow2'/><source file='/tmp/image2.qcow'/>
      <backingStore type='file' index='3'><format type='qcow2'/><source file='/tmp/image3.qcow'/>
        <backingStore type='file' index='4'><format type='qcow2'/><source file='/tmp/image4.qcow'/>
          <backingStore type='file' index='5'><format type='qcow2'/><source file='/tmp/image5.qcow'/>
            <backingStore type='file' index='6'><format type='raw'/><source file='/tmp/Fedora-17-x86_64-Live-KDE.iso'/>
              <backingStore/>
            </backingStore></backingStore></backingStore></backingStore></backingStore></backingStore>
  <target dev='vdb' bus='virtio'/>
</disk>
"@
        $openDisk = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/top.qcow2'/>" +
            "<backingStore type='file' index='1'><format type='qcow2'/><source file='/img/base.qcow2'/></backingStore>" +
            "<target dev='vda' bus='virtio'/></disk>"
        $script:lab = New-TestHost -Domain @(@{ Name = 'open'; Disks = $openDisk })
        $script:defined = New-VirtDomain -Server $lab -Xml (New-TestDomainXml -Name 'chained' -Disks $chainDisk)
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Get-VirtBackingChain | Should -Be @('Disk', 'Domain', 'InputObject', 'Server', 'Target')
    }

    It 'gives the seven layers of the specified chain in order, with their types, formats, sources and indexes' {
        $chain = @($defined | Get-VirtBackingChain -Target vdb)
        $chain | Should -HaveCount 7
        $chain.Depth | Should -Be (0..6)
        $chain.Type | Should -Be @('network', 'block', 'file', 'file', 'file', 'file', 'file')
        $chain.Format | Should -Be @('qcow2', 'qcow2', 'qcow2', 'qcow2', 'qcow2', 'qcow2', 'raw')
        $chain.Path | Should -Be @('nbd+unix:///bar?socket=/var/run/nbdsock', '/dev/HostVG/QEMUGuest1', '/tmp/image2.qcow',
            '/tmp/image3.qcow', '/tmp/image4.qcow', '/tmp/image5.qcow', '/tmp/Fedora-17-x86_64-Live-KDE.iso')
        $chain[0].Index | Should -BeNullOrEmpty
        $chain[1..6].Index | Should -Be (1..6)
        $chain[0].Protocol | Should -Be 'nbd'
        $chain[0].Hosts | Should -Be @('unix:/var/run/nbdsock')
        $chain.Status | Sort-Object -Unique | Should -Be 'Ok'
        $chain.ChainClosed | Sort-Object -Unique | Should -BeTrue
        $chain.Domain | Sort-Object -Unique | Should -Be 'chained'
        $chain.Target | Sort-Object -Unique | Should -Be 'vdb'
        $chain[0].PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Engine.Model.BackingChainElement'
    }

    It 'gives back the chain as defined through Get-VirtDomainXml' {
        $disk = ([xml](Get-VirtDomainXml chained -Server $lab)).domain.devices.disk
        $expected = ([xml]$chainDisk).disk
        $disk.OuterXml -replace '\s+', '' | Should -Be ($expected.OuterXml -replace '\s+', '')
    }

    It 'takes disks from the pipeline and domains by name' {
        @(Get-VirtDisk chained -Server $lab | Get-VirtBackingChain).Count | Should -Be 7
        @(Get-VirtBackingChain -Domain chained -Target vdb -Server $lab).Count | Should -Be 7
    }

    It 'marks the last element of a chain the XML leaves open as NotProbed' {
        $chain = @(Get-VirtBackingChain open -Server $lab)
        $chain.Path | Should -Be @('/img/top.qcow2', '/img/base.qcow2')
        $chain[0].Status | Should -Be 'Ok'
        $chain[1].Status | Should -Be 'NotProbed'
        $chain[1].Message | Should -Not -BeNullOrEmpty
        $chain.ChainClosed | Sort-Object -Unique | Should -BeFalse
    }

    It 'gives the single layer of the default domain' {
        $chain = @(Get-VirtBackingChain test -Server $default)
        $chain | Should -HaveCount 1
        $chain[0].Path | Should -Be '/guest/diskimage1'
    }

    It 'renders the chain as a tree indented by depth, grouped by domain and disk' {
        $lines = (Get-VirtBackingChain chained -Server $lab | Out-String) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'Domain: chained\s+Disk: vdb'
        $lines[0] | Should -Match 'Chain: closed'
        $lines[1] | Should -Match '^vdb nbd\+unix:///bar\?socket=/var/run/nbdsock  \(qcow2, network\)$'
        $lines[2] | Should -Match '^└─ \[1\] /dev/HostVG/QEMUGuest1  \(qcow2, block\)$'
        $lines[3] | Should -Match '^   └─ \[2\] /tmp/image2.qcow'
        $lines[7] | Should -Match '^               └─ \[6\] /tmp/Fedora-17-x86_64-Live-KDE.iso  \(raw, file\)$'
    }

    It 'shows why an open chain stops in the tree' {
        (Get-VirtBackingChain open -Server $lab | Out-String) | Should -Match '! NotProbed'
    }
}
