using System.Buffers.Binary;
using System.Text;

namespace LibVirtPS.Tests.Images;

/// <summary>
/// Differencing (or dynamic) VHDs written per the VHD format specification: footer copy at 0, dynamic header at 512,
/// parent locator data, an empty BAT, and the footer again in the last 512 bytes.
/// </summary>
public sealed class VhdBytes
{
    public const uint W2ru = 0x57327275, W2ku = 0x57326B75, Wi2r = 0x57693272, MacX = 0x4D616358;

    public long Size { get; set; } = 64 << 20;
    public string Creator { get; set; } = "win ";
    public uint DiskType { get; set; } = 4;
    public byte[] UniqueId { get; set; } = Guid.NewGuid().ToByteArray();
    public byte[] ParentUniqueId { get; set; } = new byte[16];
    public string ParentName { get; set; } = "";
    public List<(uint Code, byte[] Data)> Locators { get; } = new();
    public bool CorruptFooterChecksum { get; set; }

    public VhdBytes Locator(uint code, string value)
    {
        var data = code is W2ru or W2ku ? Encoding.Unicode.GetBytes(value) : Encoding.UTF8.GetBytes(value);
        Locators.Add((code, data));
        return this;
    }

    /// <summary>The unique id (footer offset 68) of an existing VHD, to link a child to it.</summary>
    public static byte[] UniqueIdOf(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan(68, 16).ToArray();
    }

    public byte[] Build()
    {
        const int blockSize = 2 << 20;
        var entries = (int)((Size + blockSize - 1) / blockSize);
        var locatorStart = 512 + 1024;
        var locatorBytes = Locators.Sum(l => (l.Data.Length + 511) / 512 * 512);
        var batOffset = locatorStart + locatorBytes;
        var batBytes = (entries * 4 + 511) / 512 * 512;
        var file = new byte[batOffset + batBytes + 512];

        var footer = Footer();
        footer.CopyTo(file, 0);
        footer.CopyTo(file, file.Length - 512);

        var header = file.AsSpan(512, 1024);
        Encoding.ASCII.GetBytes("cxsparse").CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header[8..], ulong.MaxValue);
        BinaryPrimitives.WriteUInt64BigEndian(header[16..], (ulong)batOffset);
        BinaryPrimitives.WriteUInt32BigEndian(header[24..], 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(header[28..], (uint)entries);
        BinaryPrimitives.WriteUInt32BigEndian(header[32..], blockSize);
        ParentUniqueId.CopyTo(header[40..]);
        BinaryPrimitives.WriteUInt32BigEndian(header[56..], 0x2C000000);
        var name = Encoding.BigEndianUnicode.GetBytes(ParentName);
        name.AsSpan(0, Math.Min(name.Length, 512)).CopyTo(header[64..]);
        var at = locatorStart;
        for (var i = 0; i < Locators.Count && i < 8; i++)
        {
            var (code, data) = Locators[i];
            var entry = header.Slice(576 + i * 24, 24);
            BinaryPrimitives.WriteUInt32BigEndian(entry, code);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], (uint)((data.Length + 511) / 512 * 512));
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)data.Length);
            BinaryPrimitives.WriteUInt64BigEndian(entry[16..], (ulong)at);
            data.CopyTo(file, at);
            at += (data.Length + 511) / 512 * 512;
        }

        BinaryPrimitives.WriteUInt32BigEndian(header[36..], Checksum(header, 36));
        file.AsSpan(batOffset, entries * 4).Fill(0xFF);
        return file;
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, Build());

    private byte[] Footer()
    {
        var footer = new byte[512];
        Encoding.ASCII.GetBytes("conectix").CopyTo(footer, 0);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(12), 0x00010000);
        BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(16), DiskType == 2 ? ulong.MaxValue : 512);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(24), 0x2C000000);
        Encoding.Latin1.GetBytes(Creator.PadRight(4, '\0')[..4]).CopyTo(footer, 28);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(32), 0x000A0000);
        Encoding.ASCII.GetBytes("Wi2k").CopyTo(footer, 36);
        BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(40), (ulong)Size);
        BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(48), (ulong)Size);
        var (c, h, s) = Geometry(Size / 512);
        BinaryPrimitives.WriteUInt16BigEndian(footer.AsSpan(56), (ushort)c);
        footer[58] = (byte)h;
        footer[59] = (byte)s;
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(60), DiskType);
        UniqueId.CopyTo(footer, 68);
        var sum = Checksum(footer, 64);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(64), CorruptFooterChecksum ? sum ^ 1 : sum);
        return footer;
    }

    /// <summary>The CHS geometry the specification derives from a sector count.</summary>
    public static (long Cylinders, long Heads, long Sectors) Geometry(long totalSectors)
    {
        totalSectors = Math.Min(totalSectors, 65535L * 16 * 255);
        long sectorsPerTrack, heads, cylinderTimesHeads;
        if (totalSectors >= 65535L * 16 * 63)
        {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
        }
        else
        {
            sectorsPerTrack = 17;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
            heads = Math.Max((cylinderTimesHeads + 1023) / 1024, 4);
            if (cylinderTimesHeads >= heads * 1024 || heads > 16)
            {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }

            if (cylinderTimesHeads >= heads * 1024)
            {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
        }

        return (cylinderTimesHeads / heads, heads, sectorsPerTrack);
    }

    private static uint Checksum(ReadOnlySpan<byte> block, int at)
    {
        uint sum = 0;
        for (var i = 0; i < block.Length; i++)
        {
            if (i < at || i >= at + 4)
            {
                sum += block[i];
            }
        }

        return ~sum;
    }
}

/// <summary>
/// VHDX files written per the MS-VHDX specification: file identifier, two headers and two region tables with
/// CRC-32C, a metadata region with file parameters, size, sector sizes, page 83 data and an optional parent locator.
/// </summary>
public sealed class VhdxBytes
{
    private static readonly Guid BatRegion = new("2DC27766-F623-4200-9D64-115E9BFD4A08");
    private static readonly Guid MetadataRegion = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");
    private static readonly Guid FileParameters = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    private static readonly Guid VirtualDiskSize = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    private static readonly Guid Page83 = new("BECA12AB-B2E6-4523-93EF-C309E000C746");
    private static readonly Guid LogicalSector = new("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    private static readonly Guid PhysicalSector = new("CDA348C7-445D-4471-9CC9-E9885251C556");
    private static readonly Guid ParentLocator = new("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
    private static readonly Guid VhdxParentType = new("B04AEFB7-D19E-4A81-B789-25B8E9445913");

    public ulong Size { get; set; } = 64 << 20;
    public Guid DataWriteGuid { get; set; } = Guid.NewGuid();
    public List<(string Key, string Value)> ParentLocatorEntries { get; } = new();
    public bool HasParent { get; set; } = true;
    public bool CorruptBothHeaders { get; set; }

    public VhdxBytes Entry(string key, string value)
    {
        ParentLocatorEntries.Add((key, value));
        return this;
    }

    /// <summary>The DataWriteGuid of an existing VHDX (the header with the higher sequence number), as "{guid}".</summary>
    public static string DataWriteGuidOf(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var first = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(65536 + 8));
        var second = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(131072 + 8));
        var at = second > first ? 131072 : 65536;
        return new Guid(bytes.AsSpan(at + 32, 16)).ToString("B");
    }

    public byte[] Build()
    {
        const int mib = 1 << 20;
        var file = new byte[4 * mib];
        Encoding.ASCII.GetBytes("vhdxfile").CopyTo(file, 0);
        Encoding.Unicode.GetBytes("LibVirtPS tests").CopyTo(file, 8);
        for (var i = 0; i < 2; i++)
        {
            var header = file.AsSpan(65536 * (i + 1), 4096);
            Encoding.ASCII.GetBytes("head").CopyTo(header);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)(i + 1));
            Guid.NewGuid().TryWriteBytes(header[16..]);
            DataWriteGuid.TryWriteBytes(header[32..]);
            BinaryPrimitives.WriteUInt16LittleEndian(header[64..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(header[66..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(header[68..], mib);
            BinaryPrimitives.WriteUInt64LittleEndian(header[72..], mib);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], CorruptBothHeaders ? 1u : Crc32C(header));
        }

        for (var i = 0; i < 2; i++)
        {
            var table = file.AsSpan(196608 + 65536 * i, 65536);
            Encoding.ASCII.GetBytes("regi").CopyTo(table);
            BinaryPrimitives.WriteUInt32LittleEndian(table[8..], 2);
            Region(table.Slice(16, 32), BatRegion, 3 * mib, mib);
            Region(table.Slice(48, 32), MetadataRegion, 2 * mib, mib);
            BinaryPrimitives.WriteUInt32LittleEndian(table[4..], Crc32C(table));
        }

        var metadata = file.AsSpan(2 * mib, mib);
        Encoding.ASCII.GetBytes("metadata").CopyTo(metadata);
        var items = new List<(Guid Id, byte[] Data, uint Flags)>
        {
            (FileParameters, Concat(Le32(32 * mib), Le32(HasParent ? 2u : 0u)), 4),
            (VirtualDiskSize, Le64(Size), 6),
            (Page83, Guid.NewGuid().ToByteArray(), 6),
            (LogicalSector, Le32(512), 6),
            (PhysicalSector, Le32(4096), 6),
        };
        if (HasParent)
        {
            items.Add((ParentLocator, LocatorItem(), 4));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(metadata[10..], (ushort)items.Count);
        var offset = 65536;
        for (var i = 0; i < items.Count; i++)
        {
            var entry = metadata.Slice(32 + i * 32, 32);
            items[i].Id.TryWriteBytes(entry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], (uint)items[i].Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], items[i].Flags);
            items[i].Data.CopyTo(metadata[offset..]);
            offset += (items[i].Data.Length + 7) / 8 * 8;
        }

        return file;
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, Build());

    private byte[] LocatorItem()
    {
        var strings = new List<byte>();
        var entries = new List<byte>();
        var stringsStart = 20 + 12 * ParentLocatorEntries.Count;
        foreach (var (key, value) in ParentLocatorEntries)
        {
            var k = Encoding.Unicode.GetBytes(key);
            var v = Encoding.Unicode.GetBytes(value);
            entries.AddRange(Le32((uint)(stringsStart + strings.Count)));
            entries.AddRange(Le32((uint)(stringsStart + strings.Count + k.Length)));
            entries.AddRange(Le16((ushort)k.Length));
            entries.AddRange(Le16((ushort)v.Length));
            strings.AddRange(k);
            strings.AddRange(v);
        }

        var item = new List<byte>(VhdxParentType.ToByteArray());
        item.AddRange(Le16(0));
        item.AddRange(Le16((ushort)ParentLocatorEntries.Count));
        item.AddRange(entries);
        item.AddRange(strings);
        return item.ToArray();
    }

    private static void Region(Span<byte> entry, Guid id, long offset, uint length)
    {
        id.TryWriteBytes(entry);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], (ulong)offset);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[28..], 1);
    }

    private static byte[] Concat(byte[] a, byte[] b) => a.Concat(b).ToArray();
    private static byte[] Le16(ushort v) => BitConverter.GetBytes(v);
    private static byte[] Le32(uint v) => BitConverter.GetBytes(v);
    private static byte[] Le64(ulong v) => BitConverter.GetBytes(v);

    /// <summary>CRC-32C of a block whose checksum field (offset 4) is zero.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> block)
    {
        var crc = 0xFFFFFFFFu;
        for (var i = 0; i < block.Length; i++)
        {
            var b = i is >= 4 and < 8 ? (byte)0 : block[i];
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0x82F63B78 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
