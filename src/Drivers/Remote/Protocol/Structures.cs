using LibVirtPS.Drivers.Remote.Xdr;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>CONNECT_OPEN arguments: the name (always sent present) and VIR_CONNECT_* flags (1 = read-only).</summary>
public sealed record ConnectOpenArgs(string? Name, uint Flags)
{
    public static readonly XdrCodec<ConnectOpenArgs> Codec = new(
        (w, v) => w.WriteOptionalString(v.Name).WriteUInt(v.Flags),
        r => new(r.ReadOptionalString(), r.ReadUInt()));
}

/// <summary>A domain handle plus a flags word, the arguments of many domain calls.</summary>
public sealed record DomainFlagsArgs(DomainHandle Domain, uint Flags)
{
    public static readonly XdrCodec<DomainFlagsArgs> Codec = new(
        (w, v) =>
        {
            RemoteHandles.WriteDomain(w, v.Domain);
            w.WriteUInt(v.Flags);
        },
        r => new(RemoteHandles.ReadDomain(r), r.ReadUInt()));
}

/// <summary>An XML document plus a flags word (DOMAIN_DEFINE_XML_FLAGS).</summary>
public sealed record XmlFlagsArgs(string Xml, uint Flags)
{
    public static readonly XdrCodec<XmlFlagsArgs> Codec = new(
        (w, v) => w.WriteString(v.Xml).WriteUInt(v.Flags),
        r => new(r.ReadString(), r.ReadUInt()));
}

/// <summary>CONNECT_LIST_ALL_DOMAINS arguments; <c>NeedResults</c> 0 asks for the count only.</summary>
public sealed record ListAllDomainsArgs(int NeedResults, uint Flags)
{
    public static readonly XdrCodec<ListAllDomainsArgs> Codec = new(
        (w, v) => w.WriteInt(v.NeedResults).WriteUInt(v.Flags),
        r => new(r.ReadInt(), r.ReadUInt()));
}

/// <summary>CONNECT_LIST_ALL_DOMAINS reply: at most 16384 domains, and the count as an unsigned word.</summary>
public sealed record ListAllDomainsReply(IReadOnlyList<DomainHandle> Domains, uint Count)
{
    public const int MaxDomains = 16384;

    // A domain handle is at least name length (4) + UUID (16) + id (4) bytes.
    private const int MinHandleSize = 24;

    public static readonly XdrCodec<ListAllDomainsReply> Codec = new(
        (w, v) => w.WriteArray(v.Domains.ToArray(), MaxDomains, RemoteHandles.WriteDomain).WriteUInt(v.Count),
        r => new(r.ReadArray(MaxDomains, RemoteHandles.ReadDomain, MinHandleSize), r.ReadUInt()));
}

/// <summary>
/// NODE_GET_INFO reply. The CPU model is a fixed vector of 32 C chars, each on the wire as a full 4-byte word
/// (128 bytes); the text ends at the first NUL.
/// </summary>
public sealed record NodeInfoReply(string Model, ulong MemoryKiB, int Cpus, int Mhz, int Nodes, int Sockets, int Cores, int Threads)
{
    public const int ModelChars = 32;

    public static readonly XdrCodec<NodeInfoReply> Codec = new(Write, Read);

    private static void Write(XdrWriter w, NodeInfoReply v)
    {
        var model = System.Text.Encoding.ASCII.GetBytes(v.Model);
        for (var i = 0; i < ModelChars; i++)
        {
            w.WriteInt(i < model.Length ? (sbyte)model[i] : 0);
        }

        w.WriteUHyper(v.MemoryKiB).WriteInt(v.Cpus).WriteInt(v.Mhz).WriteInt(v.Nodes).WriteInt(v.Sockets).WriteInt(v.Cores).WriteInt(v.Threads);
    }

    private static NodeInfoReply Read(XdrReader r)
    {
        Span<byte> chars = stackalloc byte[ModelChars];
        for (var i = 0; i < ModelChars; i++)
        {
            chars[i] = (byte)r.ReadInt();
        }

        var end = chars.IndexOf((byte)0);
        var model = System.Text.Encoding.Latin1.GetString(end < 0 ? chars : chars[..end]);
        return new(model, r.ReadUHyper(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt());
    }
}

/// <summary>
/// DOMAIN_GET_INFO reply: state (an unsigned char sent as a 4-byte word), memory sizes in KiB, the vCPU count (an
/// unsigned short sent as a 4-byte word) and CPU time in nanoseconds.
/// </summary>
public sealed record DomainInfoReply(int State, ulong MaxMemoryKiB, ulong MemoryKiB, int VirtualCpus, ulong CpuTimeNs)
{
    public static readonly XdrCodec<DomainInfoReply> Codec = new(
        (w, v) => w.WriteUInt((byte)v.State).WriteUHyper(v.MaxMemoryKiB).WriteUHyper(v.MemoryKiB).WriteUInt((ushort)v.VirtualCpus).WriteUHyper(v.CpuTimeNs),
        r => new((byte)r.ReadUInt(), r.ReadUHyper(), r.ReadUHyper(), (ushort)r.ReadUInt(), r.ReadUHyper()));
}

/// <summary>DOMAIN_GET_STATE reply.</summary>
public sealed record DomainStateReply(int State, int Reason)
{
    public static readonly XdrCodec<DomainStateReply> Codec = new(
        (w, v) => w.WriteInt(v.State).WriteInt(v.Reason),
        r => new(r.ReadInt(), r.ReadInt()));
}

/// <summary>AUTH_LIST reply: the authentication types the socket accepts (at most 20).</summary>
public static class AuthListReply
{
    public const int MaxTypes = 20;

    public static readonly XdrCodec<IReadOnlyList<int>> Codec = new(
        (w, v) => w.WriteArray(v.ToArray(), MaxTypes, static (x, t) => x.WriteInt(t)),
        r => r.ReadArray(MaxTypes, static x => x.ReadInt()));
}

/// <summary>The DOMAIN_EVENT_CALLBACK_LIFECYCLE message: callback id, domain, event and detail numbers.</summary>
public sealed record LifecycleEvent(int CallbackId, DomainHandle Domain, int Event, int Detail)
{
    public static readonly XdrCodec<LifecycleEvent> Codec = new(
        (w, v) =>
        {
            RemoteHandles.WriteDomain(w.WriteInt(v.CallbackId), v.Domain);
            w.WriteInt(v.Event).WriteInt(v.Detail);
        },
        r => new(r.ReadInt(), RemoteHandles.ReadDomain(r), r.ReadInt(), r.ReadInt()));
}
