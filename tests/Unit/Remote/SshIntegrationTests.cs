using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Tests.Remote.Integration;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>
/// The SSH transport and the remote driver through a real sshd on 127.0.0.1 (tools/test-sshd.sh) in front of the
/// machine's libvirtd: the bridge commands, a failing bridge, and connects that time out or are cancelled.
/// </summary>
[Trait("Category", "Integration")]
[SupportedOSPlatform("linux")]
public sealed class SshIntegrationTests : IClassFixture<SshIntegrationTests.Sshd>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);
    private readonly Sshd _sshd;

    public SshIntegrationTests(Sshd sshd) => _sshd = sshd;

    private ConnectOptions Key => new() { KeyFilePath = _sshd.ClientKey };

    [SshdTheory]
    [InlineData("")]
    [InlineData("&proxy=netcat")]
    [InlineData("&proxy=native")]
    public async Task EveryBridgeReachesTheDaemonAndClosesCleanly(string query)
    {
        var uri = LibvirtUri.Parse($"test+ssh://root@127.0.0.1:{_sshd.Port}/default?no_verify=1{query}");
        var driver = await RemoteDriver.OpenAsync(uri, Key, CancellationToken.None).WaitAsync(Bounded);
        var host = await driver.GetHostInfoAsync(CancellationToken.None).WaitAsync(Bounded);
        Assert.Equal("TEST", host.HypervisorType);
        Assert.True(driver.IsConnected);

        // The bridge may exit before it relays CONNECT_CLOSE's reply; closing is still clean.
        await driver.DisposeAsync().AsTask().WaitAsync(Bounded);
        Assert.False(driver.IsConnected);
    }

    [SshdFact]
    public async Task AFailingBridgeSaysWhyOnItsStandardError()
    {
        var uri = LibvirtUri.Parse($"qemu+ssh://root@127.0.0.1:{_sshd.Port}/system?no_verify=1&netcat=/nonexistent/nc");
        var ex = await Assert.ThrowsAsync<ConnectionException>(() => RemoteDriver.OpenAsync(uri, Key, CancellationToken.None).WaitAsync(Bounded));
        Assert.False(ex.Lost);
        Assert.Contains("exited with status 127", ex.Message);
        Assert.Contains("/nonexistent/nc", ex.Message);
    }

    [SshdFact]
    public async Task ARefusedLoginIsAnAuthenticationError()
    {
        var uri = LibvirtUri.Parse($"qemu+ssh://nobody@127.0.0.1:{_sshd.Port}/system?no_verify=1");
        var ex = await Assert.ThrowsAsync<LibVirtException>(() => SshTransport.ConnectAsync(uri, Key, CancellationToken.None).WaitAsync(Bounded));
        Assert.Equal(ErrorCode.AuthFailed, ex.Code);
        Assert.Contains(_sshd.ClientKey, ex.Message);
    }

    [SshdFact]
    public async Task ASilentServerTimesOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var uri = LibvirtUri.Parse($"qemu+ssh://root@127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/system?no_verify=1");
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ConnectionException>(() =>
            SshTransport.ConnectAsync(uri, Key with { ConnectTimeout = TimeSpan.FromSeconds(1) }, CancellationToken.None).WaitAsync(Bounded));
        Assert.Contains("timed out", ex.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);
    }

    [SshdFact]
    public async Task CancellingAConnectStopsItAtOnce()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var uri = LibvirtUri.Parse($"qemu+ssh://root@127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/system?no_verify=1");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SshTransport.ConnectAsync(uri, Key with { ConnectTimeout = TimeSpan.FromMinutes(5) }, cancel.Token).WaitAsync(Bounded));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 5);
    }

    /// <summary>One throwaway sshd for the class, stopped (and its folder removed) when the class is done.</summary>
    public sealed class Sshd : IDisposable
    {
        private readonly string _script;
        private readonly string _folder;

        public Sshd()
        {
            _folder = Path.Combine(Path.GetTempPath(), "libvirtps-ssh-xunit-" + Guid.NewGuid().ToString("N")[..12]);
            _script = SshdFactAttribute.Script ?? "";
            if (SshdFactAttribute.SkipReason is not null)
            {
                return;
            }

            Run("start");
            var values = File.ReadAllLines(Path.Combine(_folder, "env"))
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1]);
            Port = int.Parse(values["PORT"], System.Globalization.CultureInfo.InvariantCulture);
            ClientKey = values["CLIENT_KEY"];
        }

        public int Port { get; }
        public string ClientKey { get; } = "";

        public void Dispose()
        {
            if (SshdFactAttribute.SkipReason is null)
            {
                Run("stop");
            }
        }

        private void Run(string command)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { _script, command, _folder })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"test-sshd.sh {command} failed ({process.ExitCode}): {error.Result}");
            }
        }
    }
}

/// <summary>
/// A test that needs the loopback sshd in front of the machine's libvirtd: reported as skipped, with the reason,
/// where libvirtd does not answer, the process is not root, or openssh-server is not installed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SshdFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
        LocalLibvirtd.SkipReason
        ?? (!Environment.IsPrivilegedProcess ? "the test sshd must run as root" : null)
        ?? (!File.Exists("/usr/sbin/sshd") ? "openssh-server is not installed (the Pester SSH tests install it as root on Debian)" : null)
        ?? (Script is null ? "tools/test-sshd.sh is not above the test assembly" : null));

    public SshdFactAttribute()
    {
        if (SkipReason is { } reason)
        {
            Skip = reason;
        }
    }

    public static string? SkipReason => Reason.Value;

    /// <summary>tools/test-sshd.sh of the repository that holds the test assembly, or null.</summary>
    public static string? Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "test-sshd.sh");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}

/// <summary>A theory that needs the loopback sshd; skipped with the reason as <see cref="SshdFactAttribute"/> is.</summary>
[SupportedOSPlatform("linux")]
public sealed class SshdTheoryAttribute : TheoryAttribute
{
    public SshdTheoryAttribute()
    {
        if (SshdFactAttribute.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
