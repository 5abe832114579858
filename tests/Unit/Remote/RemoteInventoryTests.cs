using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>The remote driver's bulk inventory over the mock daemon: call count, facts, order, fallbacks.</summary>
public class RemoteInventoryTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static async Task<(MockDaemon, RemoteDriver)> OpenAsync(MockDomainTable table, bool stats)
    {
        var (daemon, stream) = MockDaemon.StartWithStream();
        daemon
            .On(RemoteProcedures.AuthList, _ => (IReadOnlyList<int>)[0])
            .On(RemoteProcedures.ConnectSupportsFeature, _ => 0)
            .On(RemoteProcedures.ConnectOpen, _ => default(XdrVoid))
            .On(RemoteProcedures.ConnectClose, _ => default(XdrVoid));
        table.Serve(daemon, stats);
        var driver = await RemoteDriver.OpenAsync(stream, LibvirtUri.Parse("qemu:///system"), new ConnectOptions(), new RpcClientOptions(),
            CancellationToken.None).WaitAsync(Bounded);
        return (daemon, driver);
    }

    private static async Task<List<DomainInventoryItem>> InventoryAsync(RemoteDriver driver, DomainXmlFlags flags = DomainXmlFlags.None,
        Func<string, bool>? include = null)
    {
        var items = new List<DomainInventoryItem>();
        await foreach (var item in driver.ListDomainsWithXmlAsync(flags, include, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    private static int Count(MockDaemon daemon, RemoteProcedure procedure) => daemon.Received.Count(h => h.Procedure == (int)procedure);

    // The open sequence: AUTH_LIST, the keepalive feature query, CONNECT_OPEN.
    private const int OpenCalls = 3;

    private static List<MockDomain> Domains(int count) => Enumerable.Range(0, count).Select(i => i % 3 == 0
        ? MockDomain.Create($"vm{i:000}", i + 1, 1, 4096, 2048, "<vcpu placement='static' current='2'>4</vcpu>", persistent: i % 2 == 0, autostart: true)
        : MockDomain.Create($"vm{i:000}", -1, 5, 8192, 8192, "<vcpu>3</vcpu>")).ToList();

    [Fact]
    public async Task EveryDomainsFactsAndXmlInFourCallsPlusOnePerDomain()
    {
        const int count = 200;
        var domains = Domains(count);
        var table = new MockDomainTable(domains);
        var (daemon, driver) = await OpenAsync(table, stats: true);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver);

        Assert.Equal(domains.Select(d => d.Handle.Name), items.Select(i => i.Info.Name));
        Assert.Equal(domains.Select(d => d.Xml), items.Select(i => i.Xml));
        Assert.Equal(3, Count(daemon, RemoteProcedure.ConnectListAllDomains));
        Assert.Equal(1, Count(daemon, RemoteProcedure.ConnectGetAllDomainStats));
        Assert.Equal([1u], table.StatsFlags);
        Assert.Equal(count, Count(daemon, RemoteProcedure.DomainGetXmlDesc));
        Assert.Equal(OpenCalls + count + 4, daemon.Received.Count);
        Assert.InRange(table.MaxInFlight, 2, new RpcClientOptions().MaxCallsInFlight);

        var running = items[0];
        Assert.Equal(new DomainInfo("vm000", domains[0].Handle.Uuid, 1, DomainState.Running, 2048L * 1024, 4096L * 1024, 2, true, true), running.Info);
        Assert.Equal("vm000", running.Definition?.Name);
        var inactive = items[1];
        Assert.Equal(new DomainInfo("vm001", domains[1].Handle.Uuid, null, DomainState.ShutOff, 8192L * 1024, 8192L * 1024, 3, true, false), inactive.Info);
        Assert.False(items[3].Info.Persistent);
    }

    [Fact]
    public async Task TheNameFilterSavesTheXmlCallsOfOtherDomains()
    {
        var domains = Domains(30);
        var table = new MockDomainTable(domains);
        var (daemon, driver) = await OpenAsync(table, stats: true);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver, DomainXmlFlags.Inactive, name => name.EndsWith('7'));

        Assert.Equal(new[] { "vm007", "vm017", "vm027" }, items.Select(i => i.Info.Name));
        Assert.Equal(3, Count(daemon, RemoteProcedure.DomainGetXmlDesc));
        Assert.All(table.XmlFlags, f => Assert.Equal((uint)DomainXmlFlags.Inactive, f));
    }

    [Fact]
    public async Task ADaemonWithoutTheStatsCallGivesEachStateByItsOwnCall()
    {
        var domains = Domains(40);
        var (daemon, driver) = await OpenAsync(new MockDomainTable(domains), stats: false);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver);

        // Only the running domains need a state call: an inactive one is shut off.
        Assert.Equal(domains.Select(d => ((DomainState)d.State, d.Handle.Name)), items.Select(i => (i.Info.State, i.Info.Name)));
        Assert.Equal(1, Count(daemon, RemoteProcedure.ConnectGetAllDomainStats));
        Assert.Equal(domains.Count(d => d.Handle.Id >= 0), Count(daemon, RemoteProcedure.DomainGetState));
        Assert.Equal(40, Count(daemon, RemoteProcedure.DomainGetXmlDesc));
    }

    [Fact]
    public async Task ARunningDomainMissingFromTheStatsCostsOneStateCall()
    {
        var domains = Domains(10);
        var table = new MockDomainTable(domains);
        table.MissingFromStats.Add(domains[3].Handle.Uuid);
        table.MissingFromStats.Add(domains[4].Handle.Uuid);
        var (daemon, driver) = await OpenAsync(table, stats: true);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver);

        Assert.Equal(10, items.Count);
        Assert.Equal(DomainState.Running, items[3].Info.State);
        Assert.Equal(DomainState.ShutOff, items[4].Info.State);
        Assert.Equal(1, Count(daemon, RemoteProcedure.DomainGetState));
    }

    [Fact]
    public async Task DomainsThatVanishAfterTheListAreLeftOut()
    {
        var domains = Domains(6);
        var table = new MockDomainTable(domains);
        table.Vanished["vm002"] = true;
        var (daemon, driver) = await OpenAsync(table, stats: false);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver);

        Assert.Equal(new[] { "vm000", "vm001", "vm003", "vm004", "vm005" }, items.Select(i => i.Info.Name));
    }

    [Fact]
    public async Task XmlTheParserRejectsComesWithoutDefinitionAndFactsFromGetInfo()
    {
        var good = MockDomain.Create("good", -1, 5, 1024, 1024, "<vcpu>1</vcpu>");
        var bad = MockDomain.Create("bad", 7, 1, 1024, 1024, "") with { Xml = "<domain type='kvm'><name>bad</name></domain>" };
        var (daemon, driver) = await OpenAsync(new MockDomainTable([good, bad]), stats: true);
        await using var _ = daemon;
        await using var __ = driver;

        var items = await InventoryAsync(driver);

        Assert.Equal(2, items.Count);
        Assert.NotNull(items[0].Definition);
        Assert.Null(items[1].Definition);
        Assert.Equal(new DomainInfo("bad", bad.Handle.Uuid, 7, DomainState.Running, 2048L * 1024, 4096L * 1024, 3, true, false), items[1].Info);
        Assert.Equal(1, Count(daemon, RemoteProcedure.DomainGetInfo));
    }

    [Fact]
    public async Task OtherErrorsFailTheInventory()
    {
        var domain = MockDomain.Create("vm", -1, 5, 1024, 1024, "");
        var (daemon, driver) = await OpenAsync(new MockDomainTable([domain]), stats: true);
        await using var _ = daemon;
        await using var __ = driver;
        daemon.On(RemoteProcedures.DomainGetXmlDesc, (Func<DomainFlagsArgs, string>)(_ =>
            throw new MockErrorException(MockDaemon.Error(ErrorCode.OperationDenied, ErrorDomain.Qemu, "denied"))));

        var ex = await Assert.ThrowsAsync<LibVirtException>(() => InventoryAsync(driver)).WaitAsync(Bounded);
        Assert.Equal(ErrorCode.OperationDenied, ex.Code);
    }

    [Fact]
    public void StatsArgumentsAndRecordsHaveTheirWireLayout()
    {
        Assert.Equal(
            new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 },
            GetAllDomainStatsArgs.Codec.Encode(new GetAllDomainStatsArgs([], (uint)DomainStatsGroups.State, 0)));

        var handle = new DomainHandle("t", Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f"), 1);
        var reply = new GetAllDomainStatsReply([new DomainStatsRecord(handle, [
            new TypedParam("state.state", TypedParamType.Int, 1),
            new TypedParam("cpu.time", TypedParamType.ULLong, 42UL),
            new TypedParam("x", TypedParamType.String, "y"),
            new TypedParam("d", TypedParamType.Double, 0.5),
            new TypedParam("b", TypedParamType.Boolean, true),
        ])]);
        var bytes = GetAllDomainStatsReply.Codec.Encode(reply);
        // Records count, handle (name "t" padded, uuid, id), params count, then "state.state" (11 bytes + 1 pad), type 1, value 1.
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1, (byte)'t', 0, 0, 0 }, bytes[..12]);
        Assert.Equal(new byte[] { 0, 0, 0, 5, 0, 0, 0, 11 }, bytes[32..40]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1 }, bytes[52..60]);

        var decoded = GetAllDomainStatsReply.Codec.Decode(bytes);
        var record = Assert.Single(decoded.Records);
        Assert.Equal(handle, record.Domain);
        Assert.Equal(reply.Records[0].Params, record.Params);
        Assert.Equal(1, record.Int64("state.state"));
        Assert.Equal(42, record.Int64("cpu.time"));
        Assert.Null(record.Int64("x"));
        Assert.Null(record.Int64("missing"));
    }

    [Fact]
    public void AnUnknownTypedParamTypeIsAProtocolError()
    {
        var bytes = new byte[] { 0, 0, 0, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0 };
        Assert.ThrowsAny<LibVirtException>(() => TypedParam.Codec.Decode(bytes));
    }
}
