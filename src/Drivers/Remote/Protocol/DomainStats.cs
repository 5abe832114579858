using LibVirtPS.Drivers.Remote.Xdr;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>
/// CONNECT_GET_ALL_DOMAIN_STATS arguments: the domains (empty = every domain the flags select), the stats groups
/// wanted (<see cref="DomainStatsGroups"/>) and CONNECT_LIST_DOMAINS_* filter flags.
/// </summary>
public sealed record GetAllDomainStatsArgs(IReadOnlyList<DomainHandle> Domains, uint Stats, uint Flags)
{
    private const int MinHandleSize = 24;

    public static readonly XdrCodec<GetAllDomainStatsArgs> Codec = new(
        (w, v) => w.WriteArray(v.Domains.ToArray(), ListAllDomainsReply.MaxDomains, RemoteHandles.WriteDomain).WriteUInt(v.Stats).WriteUInt(v.Flags),
        r => new(r.ReadArray(ListAllDomainsReply.MaxDomains, RemoteHandles.ReadDomain, MinHandleSize), r.ReadUInt(), r.ReadUInt()));
}

/// <summary>The stats of one domain: its handle and typed parameters such as state.state and state.reason.</summary>
public sealed record DomainStatsRecord(DomainHandle Domain, IReadOnlyList<TypedParam> Params)
{
    public const int MaxParams = 4096;

    // A handle (24 bytes at least) and an empty parameter array (4).
    public const int MinSize = 28;

    public static readonly XdrCodec<DomainStatsRecord> Codec = new(
        (w, v) =>
        {
            RemoteHandles.WriteDomain(w, v.Domain);
            w.WriteArray(v.Params.ToArray(), MaxParams, TypedParam.Codec.Write);
        },
        r => new(RemoteHandles.ReadDomain(r), r.ReadArray(MaxParams, TypedParam.Codec.Read, TypedParam.MinSize)));

    /// <summary>The integral value of the named parameter, or null when it is absent or not integral.</summary>
    public long? Int64(string field) => Params.FirstOrDefault(p => p.Field == field)?.AsInt64();
}

/// <summary>CONNECT_GET_ALL_DOMAIN_STATS reply: one record per domain (at most 16384).</summary>
public sealed record GetAllDomainStatsReply(IReadOnlyList<DomainStatsRecord> Records)
{
    public static readonly XdrCodec<GetAllDomainStatsReply> Codec = new(
        (w, v) => w.WriteArray(v.Records.ToArray(), ListAllDomainsReply.MaxDomains, DomainStatsRecord.Codec.Write),
        r => new(r.ReadArray(ListAllDomainsReply.MaxDomains, DomainStatsRecord.Codec.Read, DomainStatsRecord.MinSize)));
}

/// <summary>The stats groups of CONNECT_GET_ALL_DOMAIN_STATS (virDomainStatsTypes) that the driver asks for.</summary>
[Flags]
public enum DomainStatsGroups : uint
{
    /// <summary>state.state and state.reason.</summary>
    State = 1,
}
