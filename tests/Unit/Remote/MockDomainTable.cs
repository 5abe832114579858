using System.Collections.Concurrent;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Tests.Remote;

/// <summary>One domain the mock daemon serves: its handle, flags, state and XML.</summary>
internal sealed record MockDomain(DomainHandle Handle, int State, bool Persistent, bool Autostart, string Xml)
{
    public static MockDomain Create(string name, int id, int state, long memoryKiB, long currentKiB, string vcpu, bool persistent = true,
        bool autostart = false)
    {
        var handle = new DomainHandle(name, Guid.NewGuid(), id);
        var idAttribute = id > 0 ? $" id='{id}'" : "";
        var xml = $"<domain type='kvm'{idAttribute}><name>{name}</name><uuid>{handle.Uuid:D}</uuid>" +
            $"<memory unit='KiB'>{memoryKiB}</memory><currentMemory unit='KiB'>{currentKiB}</currentMemory>{vcpu}" +
            "<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/images/" + name +
            ".qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>";
        return new MockDomain(handle, state, persistent, autostart, xml);
    }
}

/// <summary>
/// Makes a <see cref="MockDaemon"/> serve a table of domains: the three listing filters, the stats call (or not, so
/// that the daemon answers it as an unknown procedure), XML, state and info. Per-domain calls count per procedure.
/// </summary>
internal sealed class MockDomainTable
{
    private const uint ListPersistent = 4;
    private const uint ListTransient = 8;
    private const uint ListAutostart = 1024;
    private const uint StatsActiveOnly = 1;
    private readonly IReadOnlyList<MockDomain> _domains;
    private int _inFlight;
    private int _maxInFlight;

    public MockDomainTable(IReadOnlyList<MockDomain> domains) => _domains = domains;

    /// <summary>Names whose per-domain calls fail with NO_DOMAIN, as for a domain undefined after the list.</summary>
    public ConcurrentDictionary<string, bool> Vanished { get; } = new();

    /// <summary>UUIDs the stats reply leaves out.</summary>
    public HashSet<Guid> MissingFromStats { get; } = [];

    /// <summary>The flags each stats call carried.</summary>
    public ConcurrentQueue<uint> StatsFlags { get; } = new();

    /// <summary>The XML flags each XML call carried.</summary>
    public ConcurrentQueue<uint> XmlFlags { get; } = new();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public MockDaemon Serve(MockDaemon daemon, bool stats)
    {
        daemon
            .On(RemoteProcedures.ConnectListAllDomains, a => a.Flags switch
            {
                0 => Reply(_domains),
                ListPersistent => Reply(_domains.Where(d => d.Persistent)),
                ListTransient => Reply(_domains.Where(d => !d.Persistent)),
                ListAutostart => Reply(_domains.Where(d => d.Autostart)),
                _ => throw new MockErrorException(MockDaemon.Error(ErrorCode.InvalidArg, ErrorDomain.Remote, "unexpected flags")),
            })
            .On(RemoteProcedures.DomainGetXmlDesc, async (a, _) =>
            {
                XmlFlags.Enqueue(a.Flags);
                var domain = Find(a.Domain);
                var now = Interlocked.Increment(ref _inFlight);
                for (var seen = Volatile.Read(ref _maxInFlight); now > seen; seen = Volatile.Read(ref _maxInFlight))
                {
                    if (Interlocked.CompareExchange(ref _maxInFlight, now, seen) == seen)
                    {
                        break;
                    }
                }

                await Task.Delay(domain.Handle.Name.Length % 3);
                Interlocked.Decrement(ref _inFlight);
                return domain.Xml;
            })
            .On(RemoteProcedures.DomainGetState, a => new DomainStateReply(Find(a.Domain).State, 1))
            .On(RemoteProcedures.DomainGetInfo, h =>
            {
                var domain = Find(h);
                return new DomainInfoReply(domain.State, 4096, 2048, 3, 0);
            });
        if (stats)
        {
            daemon.On(RemoteProcedures.ConnectGetAllDomainStats, a =>
            {
                if (a.Domains.Count != 0 || a.Stats != (uint)DomainStatsGroups.State || a.Flags is not (0 or StatsActiveOnly))
                {
                    throw new MockErrorException(MockDaemon.Error(ErrorCode.InvalidArg, ErrorDomain.Remote, "unexpected stats arguments"));
                }

                StatsFlags.Enqueue(a.Flags);
                var listed = a.Flags == StatsActiveOnly ? _domains.Where(d => d.Handle.Id >= 0) : _domains;
                return new GetAllDomainStatsReply(listed.Where(d => !MissingFromStats.Contains(d.Handle.Uuid)).Select(d =>
                    new DomainStatsRecord(d.Handle, [
                        new TypedParam("state.state", TypedParamType.Int, d.State),
                        new TypedParam("state.reason", TypedParamType.Int, 1),
                    ])).ToList());
            });
        }

        return daemon;
    }

    private static ListAllDomainsReply Reply(IEnumerable<MockDomain> domains)
    {
        var handles = domains.Select(d => d.Handle).ToList();
        return new ListAllDomainsReply(handles, (uint)handles.Count);
    }

    private MockDomain Find(DomainHandle handle) =>
        _domains.FirstOrDefault(d => d.Handle.Uuid == handle.Uuid && !Vanished.ContainsKey(d.Handle.Name))
        ?? throw new MockErrorException(MockDaemon.Error(ErrorCode.NoDomain, ErrorDomain.Qemu, $"Domain not found: no domain with matching uuid '{handle.Uuid}'"));
}
