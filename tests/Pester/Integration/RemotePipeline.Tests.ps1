# Many domains through the cmdlets against a real libvirtd (test+unix:///default: the daemon's shared test driver, so
# defining them is quick): the bulk inventory, and XML calls overlapped for piped domains. Skipped, with the reason,
# where no system libvirtd socket answers; tools/Start-Libvirtd.sh provides one as root on Debian.

BeforeDiscovery {
    $script:socket = '/var/run/libvirt/libvirt-sock'
    $script:skipReason = if (-not $IsLinux) { 'needs Linux with a system libvirtd' }
        elseif (-not (Test-Path $socket)) { "no libvirtd socket at $socket (tools/Start-Libvirtd.sh starts one as root on Debian)" }
    if ($skipReason) { Write-Warning "RemotePipeline integration tests skipped: $skipReason" }
}

BeforeAll {
    Import-Module $env:LIBVIRTPS_MODULE -Force
}

Describe 'Many domains on test+unix:///default' -Tag Integration -Skip:([bool]$skipReason) {
    BeforeAll {
        $script:prefix = "libvirtps-pipe-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        # This connection stays open throughout: the daemon keeps test:///default only while one is.
        $script:server = Connect-VirtHost test+unix:///default -Name $prefix -PassThru
        $script:names = 0..59 | ForEach-Object { '{0}-{1:00}' -f $prefix, $_ }
        foreach ($n in $names) {
            $null = New-VirtDomain -Server $server -Xml "<domain type='test'><name>$n</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/images/$n.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>"
        }
    }

    AfterAll {
        foreach ($n in $names) { Remove-VirtDomain $n -Server $server -Confirm:$false -ErrorAction Ignore }
        Disconnect-VirtHost $server -Confirm:$false -ErrorAction Ignore
    }

    It 'lists every domain with its facts' {
        $listed = @(Get-VirtDomain "$prefix-*" -Server $server)
        $listed.Name | Sort-Object | Should -Be $names
        $listed | ForEach-Object { $_.State } | Select-Object -Unique | Should -Be 'ShutOff'
        $listed | ForEach-Object { $_.MaxMemoryBytes } | Select-Object -Unique | Should -Be (64MB)
        $listed | ForEach-Object { $_.Persistent } | Select-Object -Unique | Should -BeTrue
    }

    It 'reads every disk from one inventory' {
        $disks = @(Get-VirtDisk "$prefix-*" -Server $server)
        $disks.DomainName | Sort-Object | Should -Be $names
        $disks | ForEach-Object { $_.Source } | Sort-Object | Should -Be ($names | ForEach-Object { "/images/$_.qcow2" })
    }

    It 'reads the disks and chains of piped domains in input order' {
        $domains = Get-VirtDomain "$prefix-*" -Server $server | Sort-Object Name -Descending
        ($domains | Get-VirtDisk).DomainName | Should -Be $domains.Name
        ($domains | Get-VirtBackingChain).Domain | Should -Be $domains.Name
    }

    It 'writes the XML of piped domains in input order, and an error for one that is gone without losing the others' {
        $domains = Get-VirtDomain "$prefix-*" -Server $server | Sort-Object Name -Descending
        $gone = $domains[10].Name
        Remove-VirtDomain $gone -Server $server -Confirm:$false

        $xml = @($domains | Get-VirtDomainXml -ErrorVariable failures -ErrorAction SilentlyContinue)

        $xml | ForEach-Object { ([xml]$_).domain.name } | Should -Be ($domains.Name | Where-Object { $_ -ne $gone })
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DomainNotFound,LibVirtPS.Commands.Domain.GetVirtDomainXmlCommand'
    }
}
