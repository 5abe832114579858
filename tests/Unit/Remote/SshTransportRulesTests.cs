using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>How an SSH URI becomes settings and a bridge command, by libvirt's rules.</summary>
public class SshTransportRulesTests
{
    private static readonly SshEnvironment Env = new("/home/alice", "alice");

    private static SshSettings Settings(string uri, ConnectOptions? options = null) =>
        SshSettings.From(LibvirtUri.Parse(uri), options ?? new ConnectOptions(), Env);

    private static string Command(string uri, bool readOnly = false) => SshRemoteCommand.Build(LibvirtUri.Parse(uri), readOnly);

    [Theory]
    [InlineData("qemu+ssh://kvm01/system", "kvm01", 22)]
    [InlineData("qemu+libssh://kvm01:2222/system", "kvm01", 2222)]
    [InlineData("qemu+libssh2://[fe80::1]:2022/system", "fe80::1", 2022)]
    public void EveryFlavourOfSshIsTheSshTransport(string uri, string host, int port)
    {
        var environment = new TransportEnvironment(true, "/root", null, _ => false);
        Assert.Equal(new TransportTarget("ssh", host, port), RemoteTransport.Describe(LibvirtUri.Parse(uri), false, environment));
    }

    [Fact]
    public void UserComesFromTheUriThenTheCredentialThenTheLocalUser()
    {
        Assert.Equal("root", Settings("qemu+ssh://root@h/system").User);
        Assert.Equal("bob", Settings("qemu+ssh://h/system", new ConnectOptions { UserName = "bob" }).User);
        Assert.Equal("alice", Settings("qemu+ssh://h/system").User);
        Assert.Equal("root", Settings("qemu+ssh://root@h/system", new ConnectOptions { UserName = "root" }).User);
        var conflict = Assert.Throws<LibVirtException>(() => Settings("qemu+ssh://root@h/system", new ConnectOptions { UserName = "bob" }));
        Assert.Equal(ErrorCode.InvalidArg, conflict.Code);
    }

    [Fact]
    public void APasswordInTheUriIsRefusedWithoutRepeatingIt()
    {
        var ex = Assert.Throws<LibVirtException>(() => Settings("qemu+ssh://root:s3cret@h/system"));
        Assert.Equal(ErrorCode.InvalidArg, ex.Code);
        Assert.Contains("-Credential", ex.Message);
        Assert.DoesNotContain("s3cret", ex.Message);
        Assert.Null(ex.Target);
    }

    [Fact]
    public void HostKeysAreCheckedAgainstTheUsersKnownHostsByDefault()
    {
        var settings = Settings("qemu+ssh://h:2200/system");
        Assert.Equal(SshHostKeyCheck.Normal, settings.HostKeyCheck);
        Assert.Equal(Path.Combine("/home/alice", ".ssh", "known_hosts"), settings.KnownHostsPath);
        Assert.Equal("[h]:2200", settings.KnownHostsName);
        Assert.Equal("h", Settings("qemu+ssh://h/system").KnownHostsName);
        Assert.Equal("/etc/kh", Settings("qemu+ssh://h/system?known_hosts=/etc/kh").KnownHostsPath);
    }

    [Theory]
    [InlineData("known_hosts_verify=normal", SshHostKeyCheck.Normal)]
    [InlineData("known_hosts_verify=auto", SshHostKeyCheck.Auto)]
    [InlineData("known_hosts_verify=ignore", SshHostKeyCheck.Ignore)]
    [InlineData("no_verify=1", SshHostKeyCheck.Ignore)]
    [InlineData("no_verify=0", SshHostKeyCheck.Normal)]
    [InlineData("known_hosts_verify=auto&no_verify=1", SshHostKeyCheck.Ignore)]
    public void HostKeyCheckFollowsTheParameters(string query, SshHostKeyCheck expected) =>
        Assert.Equal(expected, Settings($"qemu+ssh://h/system?{query}").HostKeyCheck);

    [Fact]
    public void SshAuthListsTheMethodsInOrder()
    {
        Assert.Equal(new[] { SshAuthMethod.PrivateKey, SshAuthMethod.Password, SshAuthMethod.KeyboardInteractive },
            Settings("qemu+ssh://h/system").AuthMethods);
        Assert.Equal(new[] { SshAuthMethod.Password, SshAuthMethod.PrivateKey },
            Settings("qemu+ssh://h/system?sshauth=password,privkey,password").AuthMethods);
        var bad = Assert.Throws<LibVirtException>(() => Settings("qemu+ssh://h/system?sshauth=gssapi"));
        Assert.Contains("gssapi", bad.Message);
    }

    [Fact]
    public void TheKeyFileOptionWinsOverTheUriParameter()
    {
        Assert.Equal("/k/uri", Settings("qemu+ssh://h/system?keyfile=/k/uri").KeyFile);
        Assert.Equal("/k/option", Settings("qemu+ssh://h/system?keyfile=/k/uri", new ConnectOptions { KeyFilePath = "/k/option" }).KeyFile);
        Assert.Null(Settings("qemu+ssh://h/system").KeyFile);
    }

    [Fact]
    public void TheOptionsPrintNoSecret()
    {
        var secret = new SecureString();
        foreach (var c in "hunter2")
        {
            secret.AppendChar(c);
        }

        var text = new ConnectOptions { UserName = "root", Password = secret, KeyPassphrase = secret }.ToString();
        Assert.DoesNotContain("hunter2", text);
    }

    [Fact]
    public void AutoProxyPrefersTheHelperAndFallsBackToNetcat()
    {
        var command = Command("qemu+ssh://root@h/system?foo=bar");
        Assert.StartsWith("sh -c '", command);
        Assert.Contains("command -v virt-ssh-helper", command);
        Assert.Contains("virt-ssh-helper '\\''qemu:///system?foo=bar'\\''", command);
        Assert.Contains("-U '\\''/var/run/libvirt/libvirt-sock'\\''", command);
    }

    [Fact]
    public void ReadOnlyUsesTheHelpersFlagAndTheReadOnlySocket()
    {
        var command = Command("qemu+ssh://h/system", readOnly: true);
        Assert.Contains("virt-ssh-helper -r ", command);
        Assert.Contains("/var/run/libvirt/libvirt-sock-ro", command);
    }

    [Theory]
    [InlineData("qemu+ssh://h/system?proxy=netcat", "/var/run/libvirt/libvirt-sock")]
    [InlineData("qemu+ssh://h/system?socket=/run/x.sock", "/run/x.sock")]
    [InlineData("qemu+ssh://h/system?netcat=/opt/nc", "/var/run/libvirt/libvirt-sock")]
    [InlineData("qemu+ssh://h/system?proxy=netcat&mode=direct", "/var/run/libvirt/virtqemud-sock")]
    [InlineData("remote+ssh://h/", "/var/run/libvirt/libvirt-sock")]
    public void NetcatFormNamesTheSocket(string uri, string socket)
    {
        var command = Command(uri);
        Assert.DoesNotContain("virt-ssh-helper", command);
        Assert.Contains($"-U '\\''{socket}'\\''", command);
    }

    [Fact]
    public void NativeProxyRunsOnlyTheHelperAndPassesTheMode()
    {
        Assert.Equal("virt-ssh-helper 'qemu:///system?mode=direct'", Command("qemu+ssh://h/system?proxy=native&mode=direct"));
        Assert.Equal("virt-ssh-helper 'test:///default'", Command("test+ssh://h/default?proxy=native&keyfile=/k"));
        Assert.Throws<LibVirtException>(() => Command("remote+ssh://h/?proxy=native"));
    }

    [Fact]
    public void TheNetcatFormCannotGuessASessionSocket()
    {
        var ex = Assert.Throws<LibVirtException>(() => Command("qemu+ssh://h/session?proxy=netcat"));
        Assert.Equal(ErrorCode.InvalidArg, ex.Code);
        Assert.Contains("/run/u.sock", Command("qemu+ssh://h/session?proxy=netcat&socket=/run/u.sock"));
    }

    /// <summary>
    /// The command as a login shell reads it, with stand-ins for the helper and nc that print their arguments: the
    /// quoting survives both shells, and the auto form picks whichever the host has.
    /// </summary>
    [UnixTheory]
    [InlineData(true, "helper:qemu:///sys'tem")]
    [InlineData(false, "nc:-q0 -U /var/run/libvirt/libvirt-sock")]
    [UnsupportedOSPlatform("windows")]
    public void TheCommandRunsInARealShell(bool hasHelper, string expected)
    {
        var bin = Directory.CreateTempSubdirectory("libvirtps-ssh-cmd-");
        try
        {
            if (hasHelper)
            {
                Stub(bin.FullName, "virt-ssh-helper", "echo \"helper:$*\"");
            }

            // Like OpenBSD netcat: -q alone complains that it needs an argument.
            Stub(bin.FullName, "nc", "if [ \"$#\" = 1 ]; then echo 'nc: option requires an argument -- q' >&2; exit 1; fi; echo \"nc:$*\"");
            // Only the stand-ins, sh and grep are on the PATH, so a real virt-ssh-helper on this machine stays out of it.
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "sh"), "/bin/sh");
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "grep"), File.Exists("/usr/bin/grep") ? "/usr/bin/grep" : "/bin/grep");
            var command = Command("qemu+ssh://h/sys'tem");
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            start.Environment["PATH"] = bin.FullName;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            Assert.Equal(expected, output);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void Stub(string folder, string name, string body)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>A theory that needs a POSIX shell: reported as skipped, with the reason, on Windows.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs a POSIX shell at /bin/sh";
        }
    }
}
