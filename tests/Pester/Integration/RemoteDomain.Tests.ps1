# The domain cmdlets against a real libvirtd (qemu:///system) through the remote driver. Skipped, with the reason,
# where no system libvirtd socket answers; tools/Start-Libvirtd.sh provides one as root on Debian.

BeforeDiscovery {
    $script:socket = '/var/run/libvirt/libvirt-sock'
    $script:skipReason = if (-not $IsLinux) { 'needs Linux with a system libvirtd' }
        elseif (-not (Test-Path $socket)) { "no libvirtd socket at $socket (tools/Start-Libvirtd.sh starts one as root on Debian)" }
        elseif (-not (Get-Command qemu-img -ErrorAction Ignore)) { 'qemu-img is not installed' }
        elseif (-not (Get-Command virsh -ErrorAction Ignore)) { 'virsh is not installed' }
    if ($skipReason) { Write-Warning "RemoteDomain integration tests skipped: $skipReason" }
}

BeforeAll {
    Import-Module $env:LIBVIRTPS_MODULE -Force

    function Invoke-Virsh {
        $output = & virsh -q -c qemu:///system @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "virsh $args failed: $output" }
        $output
    }

    # The chain libvirt reports for a disk: the source of the disk, then each nested backingStore source.
    function Get-VirshChain([string] $Domain, [string] $Target) {
        $xml = [xml](Invoke-Virsh dumpxml $Domain | Out-String)
        $node = $xml.domain.devices.disk | Where-Object { $_.target.dev -eq $Target }
        while ($node -and $node.source) {
            $node.source.file
            $node = $node.backingStore
        }
    }
}

Describe 'Domain cmdlets on qemu:///system' -Tag Integration -Skip:([bool]$skipReason) {
    BeforeAll {
        $script:name = "libvirtps-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $script:folder = Join-Path ([IO.Path]::GetTempPath()) $name
        New-Item -ItemType Directory -Path $folder | Out-Null
        # QEMU runs as its own user and must reach the images.
        [IO.File]::SetUnixFileMode($folder, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        $script:base = Join-Path $folder 'base.qcow2'
        $script:top = Join-Path $folder 'top.qcow2'
        & qemu-img create -q -f qcow2 $base 16M
        & qemu-img create -q -f qcow2 -F qcow2 -b $base $top

        $kvm = (Test-Path /dev/kvm) -and (([IO.File]::GetUnixFileMode('/dev/kvm') -band [IO.UnixFileMode]'GroupWrite, OtherWrite') -ne 0)
        $script:xml = @"
<domain type='$(if ($kvm) { 'kvm' } else { 'qemu' })'>
  <name>$name</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$top'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"@
        $script:server = Connect-VirtHost -Uri 'qemu:///system' -Name $name -PassThru
    }

    AfterAll {
        # Remove exactly what this file created, whatever state the tests left it in.
        & virsh -q -c qemu:///system destroy $name 2>&1 | Out-Null
        & virsh -q -c qemu:///system undefine $name 2>&1 | Out-Null
        if ($server) { Disconnect-VirtHost -Server $server -ErrorAction Ignore }
        Remove-Item -Recurse -Force $folder -ErrorAction Ignore
    }

    It 'connects to the QEMU driver through the daemon' {
        $server.Uri | Should -Be 'qemu:///system'
        (Get-VirtHost -Name $name).HypervisorType | Should -Be 'QEMU'
    }

    It 'defines the domain' {
        $domain = New-VirtDomain -Server $server -Xml $xml
        $domain.Name | Should -Be $name
        $domain.State | Should -Be 'ShutOff'
        $domain.Persistent | Should -BeTrue
    }

    It 'starts it' {
        (Start-VirtDomain $name -Server $server -PassThru).State | Should -Be 'Running'
    }

    It 'reports OperationInvalid when starting it again, as on the test host' {
        { Start-VirtDomain $name -Server $server -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationInvalid,LibVirtPS.Commands.Domain.StartVirtDomainCommand'
    }

    It 'suspends and resumes it' {
        (Suspend-VirtDomain $name -Server $server -PassThru).State | Should -Be 'Paused'
        (Resume-VirtDomain $name -Server $server -PassThru).State | Should -Be 'Running'
    }

    It 'gives the backing chain libvirt reports after a live disk-only snapshot' {
        Invoke-Virsh snapshot-create-as $name --disk-only --no-metadata --atomic | Out-Null
        $expected = @(Get-VirshChain -Domain $name -Target vda)
        $expected | Should -HaveCount 3
        $expected[1..2] | Should -Be @($top, $base)

        $chain = @(Get-VirtBackingChain -Domain $name -Target vda -Server $server)
        $chain.Path | Should -Be $expected
        $chain.Depth | Should -Be (0..2)
    }

    It 'asks the guest to shut down (no guest OS here, so the domain keeps running)' {
        { Stop-VirtDomain $name -Server $server -ErrorAction Stop } | Should -Not -Throw
        (Get-VirtDomain $name -Server $server).Name | Should -Be $name
    }

    It 'stops it at once with -Force' {
        (Stop-VirtDomain $name -Server $server -Force -PassThru).State | Should -Be 'ShutOff'
    }

    It 'undefines it, after which it is DomainNotFound as on the test host' {
        Remove-VirtDomain $name -Server $server -Confirm:$false
        { Get-VirtDomain $name -Server $server -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
        { Suspend-VirtDomain $name -Server $server -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound,LibVirtPS.Commands.Domain.SuspendVirtDomainCommand'
    }
}
