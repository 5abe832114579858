BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../LibVirtPS.TestHelpers.psm1') -Force
    Import-LibVirtPSUnderTest
}

Describe 'Find-VirtOrphanedImage' -Tag Unit {
    BeforeDiscovery {
        $script:noQemu = -not (Get-Command qemu-img -ErrorAction SilentlyContinue)
    }

    BeforeAll {
        function New-Image([string] $Name, [string] $Format = 'qcow2', [string] $Backing, [string] $BackingFormat) {
            $arguments = @('create', '-q', '-f', $Format)
            if ($Backing) { $arguments += '-u', '-b', $Backing, '-F', $BackingFormat }
            & qemu-img @arguments (Join-Path $pool $Name) '1M'
            if ($LASTEXITCODE -ne 0) { throw "qemu-img create $Name failed" }
        }
        function Get-DiskXml([string] $Name, [string] $Target = 'vda') {
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$(Join-Path $pool $Name)'/><target dev='$Target' bus='virtio'/></disk>"
        }
        $script:pool = Join-Path $TestDrive 'pool'
        New-Item -ItemType Directory -Path $pool, (Join-Path $pool 'sub') | Out-Null
        New-Image base.raw -Format raw
        New-Image used.qcow2 -Backing base.raw -BackingFormat raw
        New-Image stopped.qcow2
        New-Image orphan.qcow2
        New-Image 'odd[1].img' -Format raw
        New-Image odd1.img -Format raw
        New-Image sub/deep.vmdk -Format vmdk
        Set-Content -Path (Join-Path $pool 'notes.txt') -Value 'not an image'
        # The running domain names only the overlay: its base counts as used through the overlay's header.
        $script:lab = New-TestHost -Domain @(
            @{ Name = 'runner'; State = 'Running'; Disks = (Get-DiskXml used.qcow2) + (Get-DiskXml odd1.img -Target vdb) }
            @{ Name = 'sleeper'; State = 'ShutOff'; Disks = (Get-DiskXml stopped.qcow2) }
        )
    }
    AfterAll { Remove-TestHost }

    It 'has exactly the documented parameters' {
        Get-DeclaredParameter Find-VirtOrphanedImage | Should -Be @('Path', 'Recurse', 'Server')
    }

    It 'finds exactly the images no domain chain references, with format and size' -Skip:$noQemu {
        $found = @(Find-VirtOrphanedImage -Path $pool -Server $lab)
        $found.Name | Should -Be @('odd[1].img', 'orphan.qcow2')
        $found.FullName | Should -Be @((Join-Path $pool 'odd[1].img'), (Join-Path $pool orphan.qcow2))
        $found.Format | Should -Be @('raw', 'qcow2')
        $found[0].Size | Should -Be 1MB
        $found[1].Size | Should -Be (Get-Item (Join-Path $pool orphan.qcow2)).Length
        $found[0].PSObject.TypeNames[0] | Should -Be 'LibVirtPS.Commands.Disk.OrphanedImageFile'
    }

    It 'counts as used what a running domain uses now and what its next-boot definition names' -Skip:$noQemu {
        $next = New-TestHost -Domain @(@{ Name = 'r'; State = 'Running'; Disks = (Get-DiskXml used.qcow2) })
        $xml = (Get-VirtDomainXml r -Server $next -Inactive) -replace 'used\.qcow2', 'orphan.qcow2'
        $null = New-VirtDomain -Server $next -Xml $xml

        $found = @(Find-VirtOrphanedImage -Path $pool -Server $next).Name

        $found | Should -Not -Contain 'orphan.qcow2'
        $found | Should -Not -Contain 'used.qcow2'
        $found | Should -Not -Contain 'base.raw'
        $found | Should -Contain 'stopped.qcow2'
    }

    It 'looks into subfolders with -Recurse, and takes relative and wildcard folder paths' -Skip:$noQemu {
        Push-Location $TestDrive
        try {
            (Find-VirtOrphanedImage pool -Recurse -Server $lab).Name | Should -Be @('odd[1].img', 'orphan.qcow2', 'deep.vmdk')
            (Find-VirtOrphanedImage 'po*' -Server $lab).Name | Should -Be @('odd[1].img', 'orphan.qcow2')
        }
        finally { Pop-Location }
    }

    It 'counts every image as orphaned on a host whose domains use none of them' -Skip:$noQemu {
        $empty = New-TestHost
        (Find-VirtOrphanedImage $pool -Server $empty).Name | Should -Be @('base.raw', 'odd1.img', 'odd[1].img', 'orphan.qcow2', 'stopped.qcow2', 'used.qcow2')
    }

    It 'reports a folder that does not exist' -Skip:$noQemu {
        Find-VirtOrphanedImage (Join-Path $TestDrive 'no-such-folder') -Server $lab -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'FolderNotFound,LibVirtPS.Commands.Disk.FindVirtOrphanedImageCommand'
    }

    It 'binds to -LiteralPath of the item cmdlets, so a name with [ ] names that file only' -Skip:$noQemu {
        $items = @(Find-VirtOrphanedImage $pool -Server $lab | Get-Item)
        $items.FullName | Should -Be @((Join-Path $pool 'odd[1].img'), (Join-Path $pool orphan.qcow2))
    }

    It 'pipes into Remove-Item -WhatIf without deleting anything' -Skip:$noQemu {
        $before = @(Get-ChildItem -Recurse $pool).FullName
        Find-VirtOrphanedImage $pool -Recurse -Server $lab | Remove-Item -WhatIf
        @(Get-ChildItem -Recurse $pool).FullName | Should -Be $before
    }

    It 'pipes into Remove-Item, which deletes exactly the orphans' -Skip:$noQemu {
        $copy = Join-Path $TestDrive 'copy'
        Copy-Item -Recurse $pool $copy
        $copyHost = New-TestHost -Domain @(@{ Name = 'user'; Disks = "<disk type='file' device='disk'><source file='$(Join-Path $copy odd1.img)'/><target dev='vda' bus='virtio'/></disk>" })
        Find-VirtOrphanedImage $copy -Server $copyHost | Where-Object Name -Like 'odd*' | Remove-Item
        Test-Path -LiteralPath (Join-Path $copy 'odd[1].img') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $copy 'odd1.img') | Should -BeTrue
        Remove-Item -Recurse -Force $copy
    }

    It 'shows orphans as a table of format, size and full name' -Skip:$noQemu {
        $text = Find-VirtOrphanedImage $pool -Server $lab | Out-String -Width 200
        $text | Should -Match 'Format\s+Size FullName'
        $text | Should -Match "raw\s+1 MiB $([regex]::Escape((Join-Path $pool 'odd[1].img')))"
    }
}
