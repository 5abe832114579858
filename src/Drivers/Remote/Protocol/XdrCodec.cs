using LibVirtPS.Drivers.Remote.Xdr;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>The empty XDR struct (void arguments or return).</summary>
public readonly record struct XdrVoid;

/// <summary>How one wire structure is written and read. Both directions, so a test daemon can speak it too.</summary>
public sealed record XdrCodec<T>(Action<XdrWriter, T> Write, Func<XdrReader, T> Read)
{
    public byte[] Encode(T value)
    {
        var writer = new XdrWriter();
        Write(writer, value);
        return writer.ToArray();
    }

    /// <summary>Decodes a whole payload; bytes left over are an error.</summary>
    public T Decode(ReadOnlyMemory<byte> payload)
    {
        var reader = new XdrReader(payload);
        var value = Read(reader);
        reader.EnsureEnd();
        return value;
    }
}

/// <summary>Codecs of the primitive and handle types the procedures share.</summary>
public static class Codecs
{
    public static readonly XdrCodec<XdrVoid> Void = new((_, _) => { }, _ => default);
    public static readonly XdrCodec<int> Int = new((w, v) => w.WriteInt(v), r => r.ReadInt());
    public static readonly XdrCodec<uint> UInt = new((w, v) => w.WriteUInt(v), r => r.ReadUInt());
    public static readonly XdrCodec<ulong> UHyper = new((w, v) => w.WriteUHyper(v), r => r.ReadUHyper());

    /// <summary>remote_nonnull_string.</summary>
    public static readonly XdrCodec<string> String = new((w, v) => w.WriteString(v), r => r.ReadString());

    /// <summary>remote_uuid.</summary>
    public static readonly XdrCodec<Guid> Uuid = new((w, v) => RemoteHandles.WriteUuid(w, v), RemoteHandles.ReadUuid);

    /// <summary>remote_nonnull_domain.</summary>
    public static readonly XdrCodec<DomainHandle> Domain = new(RemoteHandles.WriteDomain, RemoteHandles.ReadDomain);
}
