using LibVirtPS.Drivers.Remote.Xdr;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>A domain as the daemon names it (remote_nonnull_domain): name, raw UUID, id (-1 when inactive).</summary>
public sealed record DomainHandle(string Name, Guid Uuid, int Id);

/// <summary>A network handle (remote_nonnull_network): name and UUID.</summary>
public sealed record NetworkHandle(string Name, Guid Uuid);

/// <summary>Encoding of the object handles the daemon resolves (it finds domains by UUID).</summary>
public static class RemoteHandles
{
    public const int UuidSize = 16;

    public static DomainHandle ReadDomain(XdrReader reader) =>
        new(reader.ReadString(), ReadUuid(reader), reader.ReadInt());

    public static void WriteDomain(XdrWriter writer, DomainHandle domain) =>
        WriteUuid(writer.WriteString(domain.Name), domain.Uuid).WriteInt(domain.Id);

    public static NetworkHandle ReadNetwork(XdrReader reader) => new(reader.ReadString(), ReadUuid(reader));

    /// <summary>libvirt's UUID bytes are in text order (RFC 4122 big-endian), unlike Guid's own byte layout.</summary>
    public static Guid ReadUuid(XdrReader reader) => new(reader.ReadFixedOpaque(UuidSize), bigEndian: true);

    public static XdrWriter WriteUuid(XdrWriter writer, Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[UuidSize];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return writer.WriteFixedOpaque(bytes, UuidSize);
    }
}
