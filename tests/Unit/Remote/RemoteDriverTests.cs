using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>The driver over the mock daemon: the open sequence, authentication, pipelined listing, errors.</summary>
public class RemoteDriverTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static MockDaemon StandardDaemon(MockDaemon daemon, int[]? authTypes = null) => daemon
        .On(RemoteProcedures.AuthList, _ => (IReadOnlyList<int>)(authTypes ?? [0]))
        .On(RemoteProcedures.ConnectSupportsFeature, f => f == (int)RemoteFeature.ProgramKeepalive ? 1 : 0)
        .On(RemoteProcedures.ConnectOpen, _ => default(XdrVoid))
        .On(RemoteProcedures.ConnectClose, _ => default(XdrVoid));

    private static async Task<(MockDaemon, RemoteDriver)> OpenAsync(string uri, Action<MockDaemon>? setup = null, ConnectOptions? options = null)
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        StandardDaemon(daemon);
        setup?.Invoke(daemon);
        var driver = await RemoteDriver.OpenAsync(stream, LibvirtUri.Parse(uri), options ?? new ConnectOptions(), new RpcClientOptions(), CancellationToken.None)
            .WaitAsync(Bounded);
        return (daemon, driver);
    }

    [Fact]
    public async Task OpenSequenceIsAuthListThenKeepaliveFeatureThenOpenWithTheRemoteName()
    {
        ConnectOpenArgs? opened = null;
        var (daemon, driver) = await OpenAsync("qemu+unix:///system?socket=/tmp/x&foo=bar", d => d.On(RemoteProcedures.ConnectOpen, a =>
        {
            opened = a;
            return default(XdrVoid);
        }), new ConnectOptions { ReadOnly = true });
        await using var _ = daemon;
        await using (driver)
        {
            Assert.Equal(new ConnectOpenArgs("qemu:///system?foo=bar", 1), opened);
            Assert.True(driver.KeepaliveEnabled);
            Assert.Equal(
                new[] { RemoteProcedure.AuthList, RemoteProcedure.ConnectSupportsFeature, RemoteProcedure.ConnectOpen },
                daemon.Received.Select(h => (RemoteProcedure)h.Procedure).ToArray());
            Assert.Equal(new uint[] { 0, 1, 2 }, daemon.Received.Select(h => h.Serial).ToArray());
        }

        Assert.Equal(RemoteProcedure.ConnectClose, (RemoteProcedure)daemon.Received.Last().Procedure);
    }

    [Fact]
    public async Task SaslIsRefusedNamingTheAuthType()
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        await using var _ = daemon;
        StandardDaemon(daemon, [1]);
        var ex = await Assert.ThrowsAsync<LibVirtException>(() => RemoteDriver.OpenAsync(stream, LibvirtUri.Parse("qemu+tcp://h/system"),
            new ConnectOptions(), new RpcClientOptions(), CancellationToken.None));
        Assert.Equal(ErrorCode.AuthUnavailable, ex.Code);
        Assert.Contains("sasl", ex.Message);
        Assert.DoesNotContain(daemon.Received, h => h.Procedure == (int)RemoteProcedure.ConnectOpen);
    }

    [Fact]
    public async Task SilentDaemonFailsTheOpenWithinTheConnectTimeout()
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        await using var _ = daemon;
        daemon.GoSilent();
        var ex = await Assert.ThrowsAsync<ConnectionException>(() => RemoteDriver.OpenAsync(stream, LibvirtUri.Parse("qemu:///system"),
            new ConnectOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) }, new RpcClientOptions(), CancellationToken.None)).WaitAsync(Bounded);
        Assert.False(ex.Lost);
        Assert.Contains("did not answer", ex.Message);
    }

    [Fact]
    public async Task PolkitAsksAuthPolkit()
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        await using var _ = daemon;
        StandardDaemon(daemon, [2]).On(RemoteProcedures.AuthPolkit, _ => 1);
        await using var driver = await RemoteDriver.OpenAsync(stream, LibvirtUri.Parse("qemu:///system"), new ConnectOptions(), new RpcClientOptions(), CancellationToken.None);
        Assert.Contains(daemon.Received, h => h.Procedure == (int)RemoteProcedure.AuthPolkit);
        Assert.True(driver.IsConnected);
    }

    [Fact]
    public async Task OldDaemonWithoutAuthListOrKeepaliveStillOpens()
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        await using var _ = daemon;
        daemon.On(RemoteProcedures.ConnectOpen, _ => default(XdrVoid));
        await using var driver = await RemoteDriver.OpenAsync(stream, LibvirtUri.Parse("remote:///"), new ConnectOptions(), new RpcClientOptions(), CancellationToken.None);
        Assert.False(driver.KeepaliveEnabled);
        Assert.Equal("", RemoteDriver.NameToSend(LibvirtUri.Parse("remote:///")));
    }

    [Fact]
    public async Task HostInfoComesFromFiveConcurrentCalls()
    {
        var (daemon, driver) = await OpenAsync("test+unix:///default", d => d
            .On(RemoteProcedures.ConnectGetHostname, _ => "node1")
            .On(RemoteProcedures.ConnectGetType, _ => "TEST")
            .On(RemoteProcedures.ConnectGetVersion, _ => 2UL)
            .On(RemoteProcedures.ConnectGetLibVersion, _ => 9_000_000UL)
            .On(RemoteProcedures.NodeGetInfo, _ => new NodeInfoReply("i686", 3145728, 16, 1400, 2, 2, 2, 2)));
        await using var _ = daemon;
        await using var __ = driver;
        var info = await driver.GetHostInfoAsync(CancellationToken.None);
        Assert.Equal(new HostInfo("node1", "TEST", new Version(0, 0, 2), new Version(9, 0, 0),
            new NodeInfo("i686", 3145728L * 1024, 16, 1400, 2, 2, 2, 2)), info);
    }

    [Fact]
    public async Task ListingPipelinesDetailCallsAndKeepsListOrder()
    {
        const int count = 300;
        var domains = Enumerable.Range(0, count).Select(i => new DomainHandle($"vm{i:000}", Guid.NewGuid(), i % 2 == 0 ? i + 1 : -1)).ToArray();
        var inFlight = 0;
        var maxInFlight = 0;
        var random = new Random(7);
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d
            .On(RemoteProcedures.ConnectListAllDomains, a => a.Flags switch
            {
                0 => new ListAllDomainsReply(domains, count),
                8 => new ListAllDomainsReply(domains.Where(d => d.Name.EndsWith('0')).ToArray(), 0),
                1024 => new ListAllDomainsReply(domains.Where(d => d.Name.EndsWith('7')).ToArray(), 0),
                _ => throw new MockErrorException(MockDaemon.Error(ErrorCode.InvalidArg, ErrorDomain.Remote, "unexpected flags")),
            })
            .On(RemoteProcedures.DomainGetInfo, async (h, _) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxInFlight, now);
                int delay;
                lock (random)
                {
                    delay = random.Next(0, 4);
                }

                await Task.Delay(delay);
                Interlocked.Decrement(ref inFlight);
                return new DomainInfoReply(h.Id > 0 ? 1 : 5, 1024, 512, 2, 0);
            }));
        await using var _ = daemon;
        await using var __ = driver;

        var listed = new List<DomainInfo>();
        await foreach (var info in driver.ListDomainsAsync(null, CancellationToken.None).WithCancellation(CancellationToken.None))
        {
            listed.Add(info);
        }

        Assert.Equal(domains.Select(d => d.Name), listed.Select(d => d.Name));
        var cap = new RpcClientOptions().MaxCallsInFlight;
        Assert.True(maxInFlight >= 3, $"detail calls were not pipelined (max {maxInFlight} in flight)");
        Assert.True(maxInFlight <= cap, $"more than {cap} calls reached the daemon at once: {maxInFlight}");
        var vm0 = listed[0];
        Assert.Equal((DomainState.Running, 1, false, false, 512L * 1024, 1024L * 1024), (vm0.State, vm0.Id, vm0.Persistent, vm0.Autostart, vm0.MemoryBytes, vm0.MaxMemoryBytes));
        var vm7 = listed[7];
        Assert.Equal((DomainState.ShutOff, (int?)null, true, true), (vm7.State, vm7.Id, vm7.Persistent, vm7.Autostart));
        // Persistence (from the transient list) and autostart come from two filtered lists: one detail call per domain, no more.
        Assert.Equal(3, daemon.Received.Count(h => h.Procedure == (int)RemoteProcedure.ConnectListAllDomains));
        Assert.Equal(count, daemon.Received.Count(h => h.Procedure == (int)RemoteProcedure.DomainGetInfo));
        Assert.Equal(count + 3 + 3, daemon.Received.Count);
    }

    [Fact]
    public async Task DomainsThatVanishWhileListingAreLeftOut()
    {
        var gone = new DomainHandle("gone", Guid.NewGuid(), -1);
        var kept = new DomainHandle("kept", Guid.NewGuid(), -1);
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d
            .On(RemoteProcedures.ConnectListAllDomains, _ => new ListAllDomainsReply([gone, kept], 2))
            .On(RemoteProcedures.DomainGetInfo, h => h.Name == "gone"
                ? throw new MockErrorException(MockDaemon.Error(ErrorCode.NoDomain, ErrorDomain.Qemu, "Domain not found"))
                : new DomainInfoReply(5, 1, 1, 1, 0))
            .On(RemoteProcedures.DomainGetAutostart, _ => 0));
        await using var _ = daemon;
        await using var __ = driver;
        var names = new List<string>();
        await foreach (var info in driver.ListDomainsAsync(null, CancellationToken.None))
        {
            names.Add(info.Name);
        }

        Assert.Equal(new[] { "kept" }, names);
    }

    [Fact]
    public async Task AFilteredListingAsksForTheFactsOfTheSelectedDomainsOnly()
    {
        var domains = Enumerable.Range(0, 20).Select(i => new DomainHandle($"vm{i:00}", Guid.NewGuid(), -1)).ToArray();
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d
            .On(RemoteProcedures.ConnectListAllDomains, _ => new ListAllDomainsReply(domains, (uint)domains.Length))
            .On(RemoteProcedures.DomainGetInfo, _ => new DomainInfoReply(5, 1, 1, 1, 0)));
        await using var _ = daemon;
        await using var __ = driver;
        var names = new List<string>();
        await foreach (var info in driver.ListDomainsAsync(name => name.EndsWith('7'), CancellationToken.None))
        {
            names.Add(info.Name);
        }

        Assert.Equal(new[] { "vm07", "vm17" }, names);
        Assert.Equal(2, daemon.Received.Count(h => h.Procedure == (int)RemoteProcedure.DomainGetInfo));
    }

    [Fact]
    public async Task ErrorsNameTheDomain()
    {
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d
            .On(RemoteProcedures.DomainLookupByName, (Func<string, DomainHandle>)(_ =>
                throw new MockErrorException(MockDaemon.Error(ErrorCode.NoDomain, ErrorDomain.Qemu, "Domain not found: no domain with matching name 'x'")))));
        await using var _ = daemon;
        await using var __ = driver;
        var ex = await Assert.ThrowsAsync<LibVirtException>(() => driver.SuspendDomainAsync(DomainRef.ByName("x"), CancellationToken.None));
        Assert.Equal(ErrorCode.NoDomain, ex.Code);
        Assert.Equal(ErrorDomain.Qemu, ex.Domain);
        Assert.Equal("x", ex.Target);
    }

    [Fact]
    public async Task CallsByUuidNeedNoLookup()
    {
        var uuid = Guid.NewGuid();
        DomainHandle? suspended = null;
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d.On(RemoteProcedures.DomainSuspend, h =>
        {
            suspended = h;
            return default(XdrVoid);
        }));
        await using var _ = daemon;
        await using var __ = driver;
        await driver.SuspendDomainAsync(DomainRef.ByUuid(uuid), CancellationToken.None);
        Assert.Equal(uuid, suspended?.Uuid);
        Assert.DoesNotContain(daemon.Received, h => h.Procedure is (int)RemoteProcedure.DomainLookupByUuid or (int)RemoteProcedure.DomainLookupByName);
    }

    [Fact]
    public async Task DefineFallsBackWhenTheFlagsCallIsUnknown()
    {
        var handle = new DomainHandle("new", Guid.NewGuid(), -1);
        var (daemon, driver) = await OpenAsync("qemu:///system", d => d
            .On(RemoteProcedures.DomainDefineXml, _ => handle)
            .On(RemoteProcedures.DomainGetInfo, _ => new DomainInfoReply(5, 2048, 2048, 1, 0))
            .On(RemoteProcedures.DomainGetAutostart, _ => 0));
        await using var _ = daemon;
        await using var __ = driver;
        var info = await driver.DefineDomainAsync("<domain/>", CancellationToken.None);
        Assert.Equal(("new", DomainState.ShutOff, true), (info.Name, info.State, info.Persistent));
        Assert.Contains(daemon.Received, h => h.Procedure == (int)RemoteProcedure.DomainDefineXmlFlags);
    }

    [Fact]
    public async Task LostDaemonFailsCallsWithConnectionException()
    {
        var (daemon, driver) = await OpenAsync("qemu:///system");
        await using var _ = daemon;
        await using var __ = driver;
        daemon.Drop();
        await Assert.ThrowsAsync<ConnectionException>(() => driver.GetHostInfoAsync(CancellationToken.None)).WaitAsync(Bounded);
        Assert.False(driver.IsConnected);
    }

    [Fact]
    public void VersionsDecode()
    {
        Assert.Equal(new Version(9, 0, 0), RemoteDriver.ToVersion(9_000_000));
        Assert.Equal(new Version(7, 2, 19), RemoteDriver.ToVersion(7_002_019));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
