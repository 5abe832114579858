using System.Buffers.Binary;
using System.Text;

namespace LibVirtPS.Tests.Images;

/// <summary>A qcow2 header written field by field, so that tests can set any field to any value.</summary>
public sealed class Qcow2Bytes
{
    public uint Version { get; set; } = 3;
    public uint ClusterBits { get; set; } = 16;
    public ulong VirtualSize { get; set; } = 64 << 20;
    public ulong Incompatible { get; set; }
    public ulong Autoclear { get; set; }
    public uint HeaderLength { get; set; } = 112;

    /// <summary>The backing name's bytes (null: no backing file).</summary>
    public byte[]? BackingName { get; set; }

    /// <summary>Overrides the offset that would follow the extensions.</summary>
    public ulong? BackingOffset { get; set; }

    /// <summary>Overrides the name length written in the header.</summary>
    public uint? BackingSize { get; set; }

    public List<(uint Type, byte[] Data)> Extensions { get; } = new();

    /// <summary>Bytes written over the built image last, to break what the properties cannot.</summary>
    public List<(int Offset, byte[] Bytes)> Patches { get; } = new();

    /// <summary>The file length (default: one cluster, or the end of the name if further).</summary>
    public int? FileLength { get; set; }

    public Qcow2Bytes WithBacking(string name, string? format = null)
    {
        BackingName = Encoding.UTF8.GetBytes(name);
        if (format is not null)
        {
            Extensions.Add((0xE2792ACA, Encoding.ASCII.GetBytes(format)));
        }

        return this;
    }

    public byte[] Build()
    {
        var header = Version == 2 ? 72 : (int)Math.Min(HeaderLength, 4096);
        var area = new List<byte>();
        foreach (var (type, data) in Extensions)
        {
            area.AddRange(Be32(type));
            area.AddRange(Be32((uint)data.Length));
            area.AddRange(data);
            area.AddRange(new byte[(8 - data.Length % 8) % 8]);
        }

        area.AddRange(new byte[8]);
        var nameAt = BackingOffset ?? (ulong)(header + area.Count);
        var nameLength = BackingName?.Length ?? 0;
        var cluster = 1 << (int)Math.Min(ClusterBits, 16);
        var end = Math.Max(header + area.Count, nameAt < int.MaxValue / 2 ? (int)nameAt + nameLength : 0);
        var bytes = new byte[FileLength ?? Math.Max(cluster, end)];
        void Put(int at, ReadOnlySpan<byte> value)
        {
            if (at < bytes.Length)
            {
                value[..Math.Min(value.Length, bytes.Length - at)].CopyTo(bytes.AsSpan(at));
            }
        }

        Put(0, new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xFB });
        Put(4, Be32(Version));
        Put(8, Be64(BackingName is null && BackingOffset is null ? 0 : nameAt));
        Put(16, Be32(BackingSize ?? (uint)nameLength));
        Put(20, Be32(ClusterBits));
        Put(24, Be64(VirtualSize));
        Put(48, Be64(0x30000));
        Put(56, Be32(1));
        if (Version >= 3)
        {
            Put(72, Be64(Incompatible));
            Put(88, Be64(Autoclear));
            Put(96, Be32(4));
            Put(100, Be32(HeaderLength));
        }

        Put(header, area.ToArray());
        if (BackingName is not null && nameAt < int.MaxValue / 2)
        {
            Put((int)nameAt, BackingName);
        }

        foreach (var (offset, patch) in Patches)
        {
            Put(offset, patch);
        }

        return bytes;
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, Build());

    internal static byte[] Be32(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    internal static byte[] Be64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
