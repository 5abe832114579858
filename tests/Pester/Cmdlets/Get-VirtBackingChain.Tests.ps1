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
        Get-DeclaredParameter Get-VirtBackingChain |
            Should -Be @('Disk', 'Domain', 'Format', 'InputObject', 'LiteralPath', 'MaxDepth', 'Path', 'Server', 'Target')
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

    It 'continues a chain the XML leaves open from the image files, and says when the last file is missing' {
        $chain = @(Get-VirtBackingChain open -Server $lab)
        $chain.Path | Should -Be @('/img/top.qcow2', '/img/base.qcow2')
        $chain[0].Status | Should -Be 'Ok'
        $chain[1].Status | Should -Be 'Missing'
        $chain[1].Message | Should -Match 'No such file'
        $chain.ChainClosed | Sort-Object -Unique | Should -BeFalse
    }

    It 'gives the single layer of the default domain' {
        $chain = @(Get-VirtBackingChain test -Server $default)
        $chain | Should -HaveCount 1
        $chain[0].Path | Should -Be '/guest/diskimage1'
        $chain[0].Status | Should -Be 'Missing'
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
        (Get-VirtBackingChain open -Server $lab | Out-String) | Should -Match '└─ \[1\] /img/base.qcow2  \(qcow2, file\)  ! Missing: '
    }
}

Describe 'Get-VirtBackingChain on image files' -Tag Unit {
    BeforeDiscovery {
        $script:noQemu = -not (Get-Command qemu-img -ErrorAction SilentlyContinue)
    }

    BeforeAll {
        function New-Image([string] $Name, [string] $Format = 'qcow2', [string] $Backing, [string] $BackingFormat) {
            $arguments = @('create', '-q', '-f', $Format)
            if ($Backing) { $arguments += '-u', '-b', $Backing, '-F', $BackingFormat }
            & qemu-img @arguments (Join-Path $TestDrive $Name) '1M'
            if ($LASTEXITCODE -ne 0) { throw "qemu-img create $Name failed" }
        }
        $script:images = $TestDrive
        New-Image base.raw -Format raw
        New-Image mid.qcow2 -Backing base.raw -BackingFormat raw
        New-Image top.qcow2 -Backing mid.qcow2 -BackingFormat qcow2
        New-Image 'odd[1].qcow2' -Backing top.qcow2 -BackingFormat qcow2
        New-Image odd1.qcow2
        New-Image broken.qcow2 -Backing gone.qcow2 -BackingFormat qcow2
        New-Image loop-a.qcow2 -Backing loop-b.qcow2 -BackingFormat qcow2
        New-Image loop-b.qcow2 -Backing loop-a.qcow2 -BackingFormat qcow2
        New-Item -ItemType Directory (Join-Path $TestDrive 'folder') | Out-Null
        $script:topPath = Join-Path $TestDrive 'top.qcow2'
        $overlayDisk = "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$topPath'/>" +
            "<target dev='vda' bus='virtio'/></disk>"
        $script:lab = New-TestHost -Domain @(@{ Name = 'overlay'; Disks = $overlayDisk })
    }
    AfterAll { Remove-TestHost }

    It 'reads the chain of a relative -Path from the current location, top first, with sizes and references' -Skip:$noQemu {
        Push-Location $images
        try { $chain = @(Get-VirtBackingChain -Path top.qcow2) } finally { Pop-Location }
        $chain.Depth | Should -Be @(0, 1, 2)
        $chain.Path | Should -Be @((Join-Path $images top.qcow2), (Join-Path $images mid.qcow2), (Join-Path $images base.raw))
        $chain.Format | Should -Be @('qcow2', 'qcow2', 'raw')
        $chain.VirtualSize | Should -Be @(1MB, 1MB, 1MB)
        $chain.BackingReference | Should -Be @($null, 'mid.qcow2', 'base.raw')
        $chain.Status | Sort-Object -Unique | Should -Be 'Ok'
        $chain.Where({ $null -ne $_.Domain }) | Should -BeNullOrEmpty
        $chain[0].PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Engine.Model.BackingChainElement'
    }

    It 'opens a relative -Path as written, without collapsing ..' -Skip:$noQemu {
        Push-Location (Join-Path $images folder)
        try { $chain = @(Get-VirtBackingChain -LiteralPath ../top.qcow2) } finally { Pop-Location }
        $chain[0].Path | Should -Be (Join-Path $images folder ../top.qcow2)
        $chain[1].Path | Should -Be (Join-Path $images folder ../mid.qcow2)
        $chain | Should -HaveCount 3
    }

    It 'serialises Status as its name' -Skip:$noQemu {
        (Get-VirtBackingChain -Path $topPath | Select-Object -First 1 | ConvertTo-Json -EnumsAsStrings -Depth 1) | Should -Match '"Status": "Ok"'
    }

    It 'expands wildcards in -Path to files (not folders), and accepts drive-qualified paths' -Skip:$noQemu {
        $tops = Get-VirtBackingChain -Path (Join-Path $images 'm*') | Where-Object Depth -EQ 0
        $tops.Path | Should -Be @((Join-Path $images mid.qcow2))
        @(Get-VirtBackingChain -Path 'TestDrive:/mid.qcow2').Count | Should -Be 2
        Get-VirtBackingChain -Path (Join-Path $images 'fold*') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'takes FileInfo objects from the pipeline literally' -Skip:$noQemu {
        $chain = @(Get-ChildItem -LiteralPath (Join-Path $images 'odd[1].qcow2') | Get-VirtBackingChain)
        $chain.Path[0] | Should -Be (Join-Path $images 'odd[1].qcow2')
        $chain | Should -HaveCount 4
        @([IO.FileInfo]::new($topPath) | Get-VirtBackingChain).Count | Should -Be 3
    }

    It 'takes -LiteralPath literally, while -Path reads [ ] as a wildcard' -Skip:$noQemu {
        (Get-VirtBackingChain -LiteralPath (Join-Path $images 'odd[1].qcow2'))[0].Path | Should -Be (Join-Path $images 'odd[1].qcow2')
        (Get-VirtBackingChain -Path (Join-Path $images 'odd[1].qcow2'))[0].Path | Should -Be (Join-Path $images 'odd1.qcow2')
    }

    It 'reads the top as the -Format stated, and rejects a format qemu does not name' -Skip:$noQemu {
        $chain = @(Get-VirtBackingChain -Path $topPath -Format RAW)
        $chain | Should -HaveCount 1
        $chain[0].Format | Should -Be 'raw'
        { Get-VirtBackingChain -Path $topPath -Format bogus } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LibVirtPS.Commands.Disk.GetVirtBackingChainCommand'
    }

    It 'stops at -MaxDepth with TooDeep' -Skip:$noQemu {
        $chain = @(Get-VirtBackingChain -Path $topPath -MaxDepth 2)
        $chain.Status | Should -Be @('Ok', 'Ok', 'TooDeep')
        $chain[2].VirtualSize | Should -BeNullOrEmpty
        { Get-VirtBackingChain -Path $topPath -MaxDepth 0 } | Should -Throw
    }

    It 'marks a missing layer Missing and a loop Loop' -Skip:$noQemu {
        $broken = @(Get-VirtBackingChain -Path (Join-Path $images broken.qcow2))
        $broken.Status | Should -Be @('Ok', 'Missing')
        $broken[1].Path | Should -Be (Join-Path $images gone.qcow2)
        $broken[1].BackingReference | Should -Be 'gone.qcow2'
        $loop = @(Get-VirtBackingChain -Path (Join-Path $images loop-a.qcow2))
        $loop.Status | Should -Be @('Ok', 'Ok', 'Loop')
    }

    It 'writes an error record with a stable ErrorId and no element for an image it cannot open' -Skip:$noQemu {
        $out = Get-VirtBackingChain -LiteralPath (Join-Path $images folder), (Join-Path $images nothing.qcow2), 'Env:/PATH' -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be @(
            'ImageIsDirectory,LibVirtPS.Commands.Disk.GetVirtBackingChainCommand',
            'ImageNotFound,LibVirtPS.Commands.Disk.GetVirtBackingChainCommand',
            'NotFileSystemPath,LibVirtPS.Commands.Disk.GetVirtBackingChainCommand')
        $err[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[1].TargetObject | Should -Be (Join-Path $images nothing.qcow2)
    }

    It 'reads a file without an image signature as one raw layer' -Skip:$noQemu {
        $notes = Join-Path $images 'notes.txt'
        Set-Content -Path $notes -Value 'not an image'
        $chain = @(Get-VirtBackingChain -LiteralPath $notes)
        $chain | Should -HaveCount 1
        $chain[0].Format | Should -Be 'raw'
        $chain[0].Status | Should -Be 'Ok'
        $chain[0].VirtualSize | Should -Be (Get-Item $notes).Length
    }

    It 'never blocks on a FIFO' -Skip:($noQemu -or -not (Get-Command mkfifo -ErrorAction SilentlyContinue)) {
        $fifo = Join-Path $images 'pipe.qcow2'
        mkfifo $fifo
        Get-VirtBackingChain -LiteralPath $fifo -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ImageNotRegularFile,LibVirtPS.Commands.Disk.GetVirtBackingChainCommand'
    }

    It 'continues a domain disk that names an overlay without a backingStore from the image files' -Skip:$noQemu {
        $chain = @(Get-VirtBackingChain overlay -Server $lab)
        $chain.Path | Should -Be @($topPath, (Join-Path $images mid.qcow2), (Join-Path $images base.raw))
        $chain.Origin | Should -Be @('Xml', 'Image', 'Image')
        $chain.Depth | Should -Be @(0, 1, 2)
        $chain.Status | Sort-Object -Unique | Should -Be 'Ok'
        $chain.Domain | Sort-Object -Unique | Should -Be 'overlay'
        $chain[0].VirtualSize | Should -Be 1MB
        @(Get-VirtBackingChain overlay -Server $lab -MaxDepth 1).Status | Should -Be @('Ok', 'TooDeep')
    }

    It 'draws an image chain as a tree under its top image' -Skip:$noQemu {
        $lines = (Get-VirtBackingChain -Path (Join-Path $images broken.qcow2) | Out-String -Width 300) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Be "Image: $(Join-Path $images broken.qcow2)"
        $lines[1] | Should -Be "$(Join-Path $images broken.qcow2)  (qcow2, file)"
        $lines[2] | Should -Match "^└─ $([regex]::Escape((Join-Path $images gone.qcow2)))  \(qcow2, file\)  ! Missing: Cannot access backing file 'gone.qcow2'"
    }
}
