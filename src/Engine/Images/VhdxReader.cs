using System.Text;
using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// VHDX (little-endian): file identifier, the two headers and region tables (CRC-32C), the metadata region with
/// the file parameters, the virtual size and, for a differencing disk, the parent locator's key/value pairs.
/// </summary>
internal static class VhdxReader
{
    private static readonly byte[] FileMagic = Encoding.ASCII.GetBytes("vhdxfile");
    private static readonly Guid MetadataRegion = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");
    private static readonly Guid FileParameters = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    private static readonly Guid VirtualDiskSize = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    private static readonly Guid ParentLocator = new("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
    private static readonly Guid VhdxParentLocatorType = new("B04AEFB7-D19E-4A81-B789-25B8E9445913");

    private const int HeaderSize = 4096, RegionTableSize = 65536, MaxEntries = 2047;

    /// <summary>Keys in the order the specification says to try them.</summary>
    private static readonly string[] PathKeys = { "relative_path", "volume_path", "absolute_win32_path" };

    internal static bool Probe(ReadOnlySpan<byte> head) => StartsWith(head, 0, FileMagic);

    internal static ImageHeader Read(IImageSource source)
    {
        if (!StartsWith(Bytes(source, 0, 8), 0, FileMagic))
        {
            return ImageHeader.Broken("vhdx", "The image has no VHDX file identifier");
        }

        var header = BestHeader(source);
        if (header is null)
        {
            return ImageHeader.Broken("vhdx", "Neither VHDX header is valid");
        }

        var findings = new List<string>();
        if (!header.AsSpan(48, 16).SequenceEqual(new byte[16]))
        {
            findings.Add("The VHDX log is not empty: it must be replayed before the metadata can be trusted");
        }

        var ownId = new Guid(header.AsSpan(32, 16)).ToString("B");
        var region = MetadataRegionLocation(source);
        if (region is null)
        {
            return ImageHeader.Broken("vhdx", "No valid VHDX region table names a metadata region");
        }

        var table = BytesExact(source, region.Value.Offset, 65536);
        if (table is null || !StartsWith(table, 0, "metadata"u8))
        {
            return ImageHeader.Broken("vhdx", "The VHDX metadata region has no metadata table");
        }

        var count = U16LE(table, 10);
        if (count > MaxEntries)
        {
            return ImageHeader.Broken("vhdx", $"The VHDX metadata table has {count} entries");
        }

        byte[]? parameters = null, size = null, locator = null;
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(32 + i * 32, 32);
            var id = new Guid(entry[..16]);
            var offset = U32LE(entry, 16);
            var length = U32LE(entry, 20);
            if (offset < 65536 || length > 1 << 20 || (long)offset + length > region.Value.Length)
            {
                if (id == FileParameters || id == VirtualDiskSize || id == ParentLocator)
                {
                    return ImageHeader.Broken("vhdx", $"The metadata item {id} lies outside the metadata region");
                }

                continue;
            }

            byte[]? Item(long bound) => (long)length > bound ? null : BytesExact(source, region.Value.Offset + offset, length);
            if (id == FileParameters)
            {
                parameters = Item(8);
            }
            else if (id == VirtualDiskSize)
            {
                size = Item(8);
            }
            else if (id == ParentLocator)
            {
                locator = Item(MaxChunk);
                if (locator is null)
                {
                    return ImageHeader.Broken("vhdx", $"The parent locator ({length} bytes) cannot be read");
                }
            }
        }

        if (parameters is not { Length: 8 } || size is not { Length: 8 })
        {
            return ImageHeader.Broken("vhdx", "The VHDX metadata lacks the file parameters or the virtual disk size");
        }

        var virtualSize = U64LE(size, 0);
        if (virtualSize > long.MaxValue)
        {
            return ImageHeader.Broken("vhdx", $"The virtual size {virtualSize} is too large");
        }

        var hasParent = (U32LE(parameters, 4) & 2) != 0;
        var fixedDisk = (U32LE(parameters, 4) & 1) != 0;
        var variant = hasParent ? "differencing" : fixedDisk ? "fixed" : "dynamic";
        if (!hasParent)
        {
            return new ImageHeader { Format = "vhdx", Variant = variant, VirtualSize = (long)virtualSize, OwnId = ownId, Findings = findings };
        }

        if (locator is null)
        {
            return ImageHeader.Broken("vhdx", "The differencing VHDX has no parent locator", variant);
        }

        var pairs = ParseLocator(locator, out var problem);
        if (pairs is null)
        {
            return ImageHeader.Broken("vhdx", problem!, variant);
        }

        var backing = PathKeys.Where(pairs.ContainsKey)
            .Select(k => new BackingLocator(Encoding.UTF8.GetBytes(pairs[k]), k, WindowsSeparators: true))
            .ToList();
        if (backing.Count == 0)
        {
            return ImageHeader.Broken("vhdx", "The parent locator names no parent path", variant);
        }

        var linkage = pairs.GetValueOrDefault("parent_linkage");
        return new ImageHeader
        {
            Format = "vhdx",
            Variant = variant,
            VirtualSize = (long)virtualSize,
            Backing = backing,
            BackingFormat = "vhdx",
            OwnId = ownId,
            ParentId = linkage?.ToLowerInvariant(),
            Findings = findings,
        };
    }

    private static byte[]? BestHeader(IImageSource source)
    {
        byte[]? best = null;
        ulong bestSequence = 0;
        foreach (var offset in new[] { 65536L, 131072L })
        {
            var header = BytesExact(source, offset, HeaderSize);
            if (header is null || !StartsWith(header, 0, "head"u8) || Crc32C.Of(header, 4) != U32LE(header, 4))
            {
                continue;
            }

            var sequence = U64LE(header, 8);
            if (best is null || sequence > bestSequence)
            {
                best = header;
                bestSequence = sequence;
            }
        }

        return best;
    }

    private static (long Offset, long Length)? MetadataRegionLocation(IImageSource source)
    {
        foreach (var offset in new[] { 196608L, 262144L })
        {
            var table = BytesExact(source, offset, RegionTableSize);
            if (table is null || !StartsWith(table, 0, "regi"u8) || Crc32C.Of(table, 4) != U32LE(table, 4))
            {
                continue;
            }

            var count = U32LE(table, 8);
            if (count > MaxEntries)
            {
                continue;
            }

            for (var i = 0; i < (int)count; i++)
            {
                var entry = table.AsSpan(16 + i * 32, 32);
                if (new Guid(entry[..16]) == MetadataRegion)
                {
                    var fileOffset = U64LE(entry, 16);
                    var length = U32LE(entry, 24);
                    if (fileOffset > long.MaxValue || length < 65536)
                    {
                        return null;
                    }

                    return ((long)fileOffset, length);
                }
            }
        }

        return null;
    }

    /// <summary>The key/value pairs of a parent locator item, or null with the problem.</summary>
    internal static Dictionary<string, string>? ParseLocator(ReadOnlySpan<byte> item, out string? problem)
    {
        problem = null;
        if (item.Length < 20)
        {
            problem = "The parent locator is truncated";
            return null;
        }

        if (new Guid(item[..16]) != VhdxParentLocatorType)
        {
            problem = $"Unknown parent locator type {new Guid(item[..16])}";
            return null;
        }

        var count = U16LE(item, 18);
        if (20 + count * 12 > item.Length)
        {
            problem = $"The parent locator's {count} entries run past the item";
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var entry = item.Slice(20 + i * 12, 12);
            var keyOffset = U32LE(entry, 0);
            var valueOffset = U32LE(entry, 4);
            var keyLength = U16LE(entry, 8);
            var valueLength = U16LE(entry, 10);
            if (keyOffset + (ulong)keyLength > (ulong)item.Length || valueOffset + (ulong)valueLength > (ulong)item.Length)
            {
                problem = "A parent locator entry points past the item";
                return null;
            }

            var key = Encoding.Unicode.GetString(item.Slice((int)keyOffset, keyLength));
            pairs[key] = Encoding.Unicode.GetString(item.Slice((int)valueOffset, valueLength));
        }

        return pairs;
    }
}

/// <summary>CRC-32C (Castagnoli), as VHDX uses for its headers and region tables.</summary>
internal static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The checksum of a block whose 4-byte checksum field at checksumAt counts as zero.</summary>
    internal static uint Of(ReadOnlySpan<byte> block, int checksumAt)
    {
        var crc = 0xFFFFFFFFu;
        for (var i = 0; i < block.Length; i++)
        {
            var b = i >= checksumAt && i < checksumAt + 4 ? (byte)0 : block[i];
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
