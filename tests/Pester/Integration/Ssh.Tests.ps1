# Remoting over SSH against a real sshd on 127.0.0.1 (tools/test-sshd.sh: its own config, keys and port) in front of
# the machine's real libvirtd. Skipped, with the reason, where no libvirtd socket answers or sshd cannot run.

BeforeDiscovery {
    $script:socket = '/var/run/libvirt/libvirt-sock'
    $script:skipReason = if (-not $IsLinux) { 'needs Linux with a system libvirtd' }
        elseif (-not (Test-Path $socket)) { "no libvirtd socket at $socket (tools/Start-Libvirtd.sh starts one as root on Debian)" }
        elseif ((id -u) -ne '0') { 'needs root: the test sshd switches users and its sessions use the libvirtd socket as root' }
        elseif (-not (Get-Command virsh -ErrorAction Ignore)) { 'virsh is not installed' }
        elseif (-not (Get-Command qemu-img -ErrorAction Ignore)) { 'qemu-img is not installed' }
    if (-not $skipReason -and -not (Test-Path /usr/sbin/sshd) -and (Test-Path /etc/debian_version)) {
        # Installing the package starts nothing; the tests start their own sshd.
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -q openssh-server *> $null
        if (-not (Test-Path /usr/sbin/sshd)) { & apt-get update -q *> $null; & apt-get install -y -q openssh-server *> $null }
    }
    if (-not $skipReason -and -not (Test-Path /usr/sbin/sshd)) { $skipReason = 'openssh-server is not installed and apt-get could not install it' }
    if ($skipReason) { Write-Warning "SSH integration tests skipped: $skipReason" }
}

BeforeAll {
    Import-Module $env:LIBVIRTPS_MODULE -Force
    $script:sshdScript = Join-Path $PSScriptRoot '../../../tools/test-sshd.sh'
    $script:tag = [guid]::NewGuid().ToString('N').Substring(0, 12)
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "libvirtps-ssh-$tag"
    $script:sshdDir = Join-Path $work 'sshd'
    New-Item -ItemType Directory -Path $work | Out-Null
    # QEMU runs as its own user and must reach the disk images in here.
    [IO.File]::SetUnixFileMode($work, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')

    function Invoke-Sshd([string] $command) {
        $output = & bash $sshdScript $command $sshdDir 2>&1
        if ($LASTEXITCODE -ne 0) { throw "test-sshd.sh $command failed: $output" }
    }

    # Runs test-sshd.sh later, from another process, so that it lands while this one waits on a call.
    function Start-DelayedSshd([string] $command, [double] $seconds) {
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($a in '-c', "sleep $seconds; exec bash `"`$0`" $command `"`$1`"", $sshdScript, $sshdDir) { $start.ArgumentList.Add($a) }
        [Diagnostics.Process]::Start($start)
    }

    function Invoke-Virsh([string] $uri) {
        $output = & virsh -q -c $uri @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "virsh $args failed: $output" }
        $output
    }

    Invoke-Sshd start
    $script:sshd = @{}
    foreach ($line in Get-Content (Join-Path $sshdDir 'env')) {
        $field, $value = $line -split "=", 2
        $sshd[$field] = $value
    }
    $script:port = $sshd.PORT
    $script:knownHosts = Join-Path $work 'known_hosts'
    Set-Content -Path $knownHosts -Value "[127.0.0.1]:$port $($sshd.HOST_KEY_PUB)"
    $script:key = $sshd.CLIENT_KEY
    $script:sshBase = "root@127.0.0.1:$port"
    $script:checked = "known_hosts=$knownHosts"

    # A qcow2 chain for the QEMU domain: base <- top.
    $script:base = Join-Path $work 'base.qcow2'
    $script:top = Join-Path $work 'top.qcow2'
    & qemu-img create -q -f qcow2 $base 16M
    & qemu-img create -q -f qcow2 -F qcow2 -b $base $top
    $kvm = (Test-Path /dev/kvm) -and (([IO.File]::GetUnixFileMode('/dev/kvm') -band [IO.UnixFileMode]'GroupWrite, OtherWrite') -ne 0)
    $script:domainType = if ($kvm) { 'kvm' } else { 'qemu' }
}

AfterAll {
    # Remove exactly what this file created, whatever state the tests left it in.
    Get-VirtHost -Name * -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore
    foreach ($uri in 'qemu+unix:///system', 'test+unix:///default') {
        foreach ($name in "libvirtps-ssh-qemu-$tag", "libvirtps-ssh-test-$tag") {
            & virsh -q -c $uri destroy $name *> $null
            & virsh -q -c $uri undefine $name *> $null
        }
    }
    if ($sshdDir) { & bash $sshdScript stop $sshdDir *> $null }
    if ($work) { Remove-Item -Recurse -Force $work -ErrorAction Ignore }
}

Describe 'Every skeleton cmdlet over SSH' -Tag Integration -Skip:([bool]$skipReason) -ForEach @(
    @{ Driver = 'test'; Path = '/default'; Hypervisor = 'TEST' }
    @{ Driver = 'qemu'; Path = '/system'; Hypervisor = 'QEMU' }
) {
    BeforeAll {
        $script:name = "libvirtps-ssh-$Driver-$tag"
        $script:uri = "$Driver+ssh://$sshBase$($Path)?$checked"
        $script:xml = if ($Driver -eq 'test') {
            "<domain type='test'><name>$name</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type>hvm</type></os>" +
            "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$top'/>" +
            "<target dev='vda' bus='virtio'/></disk></devices></domain>"
        }
        else {
            "<domain type='$domainType'><name>$name</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>" +
            "<os><type arch='x86_64'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>" +
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$top'/>" +
            "<target dev='vda' bus='virtio'/></disk></devices></domain>"
        }
    }

    It 'Connect-VirtHost logs in with a key and reaches the <Driver> driver' {
        $script:server = Connect-VirtHost $uri -KeyFilePath $key -Name "ssh-$Driver-$tag" -PassThru
        $server.IsConnected | Should -BeTrue
        $server.HypervisorType | Should -Be $Hypervisor
        $server.Hostname | Should -Be (hostname)
    }

    It 'Get-VirtHost lists it' {
        (Get-VirtHost "ssh-$Driver-$tag").Uri | Should -Be $uri
    }

    It 'New-VirtDomain defines a domain' {
        $domain = New-VirtDomain -Xml $xml -Server $server
        $domain.Name | Should -Be $name
        $domain.State | Should -Be 'ShutOff'
        $domain.HostName | Should -Be "ssh-$Driver-$tag"
    }

    It 'Get-VirtDomain finds it, as virsh does' {
        $domain = Get-VirtDomain $name -Server $server
        # virsh reaches the same daemon over its unix socket (a bare test:/// URI would be served inside virsh).
        $domain.Uuid | Should -Be ([guid](Invoke-Virsh "$Driver+unix://$Path" domuuid $name | Select-Object -First 1))
    }

    It 'Get-VirtDomainXml returns its definition' {
        [xml]$definition = Get-VirtDomainXml $name -Server $server
        $definition.domain.name | Should -Be $name
    }

    It 'Get-VirtDisk reads its disk' {
        $disk = Get-VirtDisk $name -Server $server
        $disk.Target | Should -Be 'vda'
        $disk.Source | Should -Be $top
    }

    It 'Start-VirtDomain starts it' {
        Start-VirtDomain $name -Server $server
        (Get-VirtDomain $name -Server $server).State | Should -Be 'Running'
    }

    It 'Get-VirtBackingChain follows the chain of its disk' {
        $chain = @(Get-VirtBackingChain $name -Server $server)
        $chain[0].Path | Should -Be $top
        # QEMU reports the whole chain of a running domain; the test driver only names the top image, and images on
        # a remote host are not probed from here.
        if ($Driver -eq 'qemu') { $chain.Path | Should -Contain $base }
    }

    It 'Suspend-VirtDomain and Resume-VirtDomain pause and resume it' {
        Suspend-VirtDomain $name -Server $server
        (Get-VirtDomain $name -Server $server).State | Should -Be 'Paused'
        Resume-VirtDomain $name -Server $server
        (Get-VirtDomain $name -Server $server).State | Should -Be 'Running'
    }

    It 'Restart-VirtDomain asks it to reboot' {
        { Restart-VirtDomain $name -Server $server -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
    }

    It 'Stop-VirtDomain -Force turns it off' {
        Stop-VirtDomain $name -Force -Server $server -Confirm:$false
        (Get-VirtDomain $name -Server $server).State | Should -Be 'ShutOff'
    }

    It 'Remove-VirtDomain removes it' {
        Remove-VirtDomain $name -Server $server -Confirm:$false
        Get-VirtDomain $name -Server $server -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Disconnect-VirtHost closes the session' {
        Disconnect-VirtHost -Server $server -Confirm:$false
        $server.IsConnected | Should -BeFalse
    }
}

Describe 'SSH authentication and host keys' -Tag Integration -Skip:([bool]$skipReason) {
    AfterEach { Get-VirtHost -Name * -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore }

    It 'logs in with an encrypted key and its passphrase from -Credential' {
        $passphrase = [pscredential]::new('root', (ConvertTo-SecureString $sshd.KEY_PASSPHRASE -AsPlainText -Force))
        $h = Connect-VirtHost "test+ssh://$sshBase/default?$checked" -KeyFilePath $sshd.ENCRYPTED_KEY -Credential $passphrase -PassThru
        $h.HypervisorType | Should -Be 'TEST'
    }

    It 'refuses an encrypted key without its passphrase' {
        $err = { Connect-VirtHost "test+ssh://$sshBase/default?$checked" -KeyFilePath $sshd.ENCRYPTED_KEY -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $err.Exception.Message | Should -Match 'passphrase'
    }

    It 'logs in with a password' {
        if (-not $sshd.PASSWORD) { Set-ItResult -Skipped -Because $sshd.PASSWORD_REASON; return }
        $credential = [pscredential]::new('root', (ConvertTo-SecureString $sshd.PASSWORD -AsPlainText -Force))
        $h = Connect-VirtHost "qemu+ssh://127.0.0.1:$port/system?$checked&sshauth=password" -Credential $credential -PassThru
        $h.HypervisorType | Should -Be 'QEMU'
    }

    It 'refuses a wrong password without showing it' {
        if (-not $sshd.PASSWORD) { Set-ItResult -Skipped -Because $sshd.PASSWORD_REASON; return }
        $wrong = "wrong-$tag"
        $credential = [pscredential]::new('root', (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $err = { Connect-VirtHost "qemu+ssh://127.0.0.1:$port/system?$checked&sshauth=password" -Credential $credential -Verbose -ErrorAction Stop 4>&1 } |
            Should -Throw -ErrorId 'AuthenticationFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match $wrong
    }

    It 'refuses an unknown host key, showing its fingerprint' {
        $empty = Join-Path $work 'empty_known_hosts'
        Set-Content -Path $empty -Value ''
        $err = { Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$empty" -KeyFilePath $key -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $fingerprint = (& ssh-keygen -lf (Join-Path $sshdDir 'host_ed25519.pub')) -split ' ' | Select-Object -Index 1
        $err.Exception.Message | Should -BeLike "*not known*$fingerprint*"
        Get-Content $empty -Raw | Should -Not -Match 'ssh-ed25519' -Because 'normal verification never writes the file'
    }

    It 'adds an unknown host key with known_hosts_verify=auto, then trusts it' {
        $fresh = Join-Path $work 'auto_known_hosts'
        Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$fresh&known_hosts_verify=auto" -KeyFilePath $key -Name auto
        (Get-Content $fresh) | Should -Be "[127.0.0.1]:$port $(($sshd.HOST_KEY_PUB -split ' ')[0..1] -join ' ')"
        Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$fresh" -KeyFilePath $key -Name auto-again -PassThru |
            ForEach-Object IsConnected | Should -BeTrue
    }

    It 'refuses a changed host key, even with known_hosts_verify=auto' {
        $changed = Join-Path $work 'changed_known_hosts'
        Set-Content -Path $changed -Value "[127.0.0.1]:$port $($sshd.OTHER_HOST_KEY_PUB)"
        foreach ($verify in 'normal', 'auto') {
            $err = { Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$changed&known_hosts_verify=$verify" -KeyFilePath $key -ErrorAction Stop } |
                Should -Throw -ErrorId 'ConnectionFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
            $err.Exception.Message | Should -Match 'CHANGED'
            $err.Exception.Message | Should -Match 'SHA256:'
        }
    }

    It 'shows the host key type that known_hosts lists, when the server has several' {
        $rsaOnly = Join-Path $work 'rsa_known_hosts'
        Set-Content -Path $rsaOnly -Value "[127.0.0.1]:$port $($sshd.HOST_RSA_KEY_PUB)"
        (Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$rsaOnly" -KeyFilePath $key -PassThru).IsConnected | Should -BeTrue
    }

    It 'skips the check with no_verify=1' {
        $changed = Join-Path $work 'changed_known_hosts'
        (Connect-VirtHost "test+ssh://$sshBase/default?known_hosts=$changed&no_verify=1" -KeyFilePath $key -PassThru).IsConnected | Should -BeTrue
    }

    It 'uses the netcat bridge when asked' {
        $h = Connect-VirtHost "qemu+ssh://$sshBase/system?$checked&proxy=netcat" -KeyFilePath $key -PassThru
        $h.HypervisorType | Should -Be 'QEMU'
    }
}

Describe 'A dropped SSH session' -Tag Integration -Skip:([bool]$skipReason) {
    AfterAll { Get-VirtHost -Name * -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore }

    It 'fails the call in flight and the next call with ConnectionLost, and Connect-VirtHost reconnects' {
        $h = Connect-VirtHost "test+ssh://$sshBase/default?$checked" -KeyFilePath $key -Name dropped -PassThru
        $killer = Start-DelayedSshd kill 1
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $failure = $null
            while (-not $failure -and $clock.Elapsed.TotalSeconds -lt 30) {
                try { Get-VirtDomain -Server $h -ErrorAction Stop | Get-VirtDomainXml -ErrorAction Stop | Out-Null }
                catch { $failure = $_ }
            }
            $failure.FullyQualifiedErrorId | Should -BeLike 'ConnectionLost,*'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'a dropped session is noticed at once, not after a timeout'
            $h.IsConnected | Should -BeFalse
            { Get-VirtDomain -Server $h -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionLost,LibVirtPS.Commands.Domain.GetVirtDomainCommand'
        }
        finally {
            $killer.WaitForExit()
            $killer.Dispose()
            Invoke-Sshd restart
        }

        $again = $h | Connect-VirtHost -KeyFilePath $key -PassThru
        $again.Name | Should -Be 'dropped'
        $again.IsConnected | Should -BeTrue
        (Get-VirtDomain test -Server (Get-VirtHost dropped)).State | Should -Be 'Running'
    }
}

Describe 'Slow connections' -Tag Integration -Skip:([bool]$skipReason) {
    BeforeAll {
        # A listener that accepts and never speaks: the SSH handshake waits for a banner that never comes.
        $script:silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $script:silentPort = $silent.LocalEndpoint.Port
    }

    AfterAll { if ($silent) { $silent.Stop() } }

    It 'gives up after -TimeoutSec' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-VirtHost "qemu+ssh://root@127.0.0.1:$silentPort/system?no_verify=1" -KeyFilePath $key -TimeoutSec 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionFailed,LibVirtPS.Commands.Host.ConnectVirtHostCommand' -PassThru
        $err.Exception.Message | Should -Match 'timed out'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'stops a slow connect on Ctrl+C' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                param($module, $uri, $key)
                Import-Module $module
                Connect-VirtHost $uri -KeyFilePath $key -TimeoutSec 120 -PassThru
            }).AddArgument($env:LIBVIRTPS_MODULE).AddArgument("qemu+ssh://root@127.0.0.1:$silentPort/system?no_verify=1").AddArgument($key)
            $running = $shell.BeginInvoke()
            Start-Sleep -Seconds 2
            $running.IsCompleted | Should -BeFalse -Because 'the connect waits for a server that never answers'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $shell.Dispose()
        }
    }
}

Describe 'Hosts over SSH and local at once' -Tag Integration -Skip:([bool]$skipReason) {
    AfterAll { Get-VirtHost -Name * -ErrorAction Ignore | Disconnect-VirtHost -Confirm:$false -ErrorAction Ignore }

    It 'lists the domains of both hosts, each saying where it came from' {
        Connect-VirtHost "qemu+ssh://$sshBase/system?$checked", 'qemu:///system' -KeyFilePath $key
        (Get-VirtHost).Count | Should -Be 2
        $domains = Get-VirtDomain
        $expected = @(Invoke-Virsh 'qemu:///system' list --all --name | Where-Object { $_ }).Count
        @($domains | Where-Object HostName -EQ "qemu+ssh://$sshBase/system?$checked").Count | Should -Be $expected
        @($domains | Where-Object HostName -EQ 'qemu:///system').Count | Should -Be $expected
    }

    It 'keeps serving the local host when the SSH host fails' {
        Get-VirtHost -Name * | Disconnect-VirtHost -Confirm:$false
        $hosts = Connect-VirtHost "qemu+ssh://root@127.0.0.1:$port/system?known_hosts=$(Join-Path $work 'none')", 'qemu:///system' -KeyFilePath $key -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed,*'
        $hosts.Uri | Should -Be 'qemu:///system'
    }
}
