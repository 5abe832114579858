using System.Text;
using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// VHD (qemu "vpc", big-endian): the footer (a copy at 0 for dynamic and differencing disks, always the last 512
/// bytes), the dynamic header and, for a differencing disk, the parent locators.
/// </summary>
internal static class VhdReader
{
    internal static readonly byte[] FooterCookie = Encoding.ASCII.GetBytes("conectix");
    private static readonly byte[] HeaderCookie = Encoding.ASCII.GetBytes("cxsparse");
    private const uint Fixed = 2, Dynamic = 3, Differencing = 4;
    private const long MaxGeometrySectors = 65535L * 16 * 255;
    private const int MaxLocator = 4096;

    /// <summary>Creators whose images are sized by the footer's current size rather than by the CHS geometry.</summary>
    private static readonly string[] CurrentSizeCreators = { "win ", "qem2", "d2v ", "CTXS", "tap\0" };

    /// <summary>Locator codes in the order they are tried: relative before absolute, Unicode before ANSI.</summary>
    private static readonly (uint Code, string Name)[] LocatorOrder =
    {
        (0x57327275, "W2ru"), (0x57693272, "Wi2r"), (0x57326B75, "W2ku"), (0x5769326B, "Wi2k"), (0x4D616358, "MacX"),
    };

    /// <summary>qemu probes only the footer copy at offset 0; a fixed VHD (footer at the end) probes as raw.</summary>
    internal static bool Probe(ReadOnlySpan<byte> head) => StartsWith(head, 0, FooterCookie);

    internal static ImageHeader Read(IImageSource source)
    {
        var footer = Bytes(source, 0, 512);
        if (!StartsWith(footer, 0, FooterCookie))
        {
            footer = source.Length >= 512 ? Bytes(source, source.Length - 512, 512) : Array.Empty<byte>();
            if (!StartsWith(footer, 0, FooterCookie))
            {
                return ImageHeader.Broken("vpc", "The image has no VHD footer");
            }
        }

        if (footer.Length < 512)
        {
            return ImageHeader.Broken("vpc", $"The VHD footer is truncated: {footer.Length} bytes");
        }

        var findings = new List<string>();
        if (Checksum(footer, 64) != U32BE(footer, 64))
        {
            findings.Add("The VHD footer checksum does not match");
        }

        var diskType = U32BE(footer, 60);
        var variant = diskType switch { Fixed => "fixed", Dynamic => "dynamic", Differencing => "differencing", _ => null };
        if (variant is null)
        {
            return ImageHeader.Broken("vpc", $"Unknown VHD disk type {diskType}");
        }

        var size = VirtualSize(footer);
        if (size is null)
        {
            return ImageHeader.Broken("vpc", "The VHD size is too large", variant);
        }

        var ownId = Hex(footer.AsSpan(68, 16));
        if (diskType == Fixed)
        {
            return new ImageHeader { Format = "vpc", Variant = variant, VirtualSize = size, OwnId = ownId, Findings = findings };
        }

        var dataOffset = U64BE(footer, 16);
        if (dataOffset > long.MaxValue || (long)dataOffset >= source.Length)
        {
            return ImageHeader.Broken("vpc", $"The dynamic header offset {dataOffset} lies past the end of the file", variant);
        }

        var header = BytesExact(source, (long)dataOffset, 1024);
        if (header is null || !StartsWith(header, 0, HeaderCookie))
        {
            return ImageHeader.Broken("vpc", $"No dynamic disk header at offset {dataOffset}", variant);
        }

        if (Checksum(header, 36) != U32BE(header, 36))
        {
            findings.Add("The VHD dynamic header checksum does not match");
        }

        if (diskType != Differencing)
        {
            return new ImageHeader { Format = "vpc", Variant = variant, VirtualSize = size, OwnId = ownId, Findings = findings };
        }

        var locators = ReadLocators(source, header, findings);
        var parentName = Encoding.BigEndianUnicode.GetString(header, 64, 512).TrimEnd('\0');
        if (parentName.Length > 0)
        {
            // The parent's file name alone, beside the child: the last resort when no locator leads anywhere.
            locators.Add(new BackingLocator(Encoding.UTF8.GetBytes(parentName), "ParentUnicodeName", WindowsSeparators: true));
        }

        if (locators.Count == 0)
        {
            return ImageHeader.Broken("vpc", "The differencing VHD has no usable parent locator", variant);
        }

        return new ImageHeader
        {
            Format = "vpc",
            Variant = variant,
            VirtualSize = size,
            Backing = locators,
            BackingFormat = "vpc",
            OwnId = ownId,
            ParentId = Hex(header.AsSpan(40, 16)),
            Findings = findings,
        };
    }

    /// <summary>CHS × 512, except for creators that size by the footer's current size, or the maximum geometry.</summary>
    internal static long? VirtualSize(ReadOnlySpan<byte> footer)
    {
        var chs = (long)U16BE(footer, 56) * footer[58] * footer[59];
        var creator = Encoding.Latin1.GetString(footer.Slice(28, 4));
        var current = U64BE(footer, 48);
        if (CurrentSizeCreators.Contains(creator) || chs == MaxGeometrySectors)
        {
            return current > long.MaxValue ? null : (long)current;
        }

        return chs * 512;
    }

    private static List<BackingLocator> ReadLocators(IImageSource source, byte[] header, List<string> findings)
    {
        var found = new List<(int Rank, BackingLocator Locator)>();
        for (var i = 0; i < 8; i++)
        {
            var entry = header.AsSpan(576 + i * 24, 24);
            var code = U32BE(entry, 0);
            var rank = Array.FindIndex(LocatorOrder, l => l.Code == code);
            if (code == 0 || rank < 0)
            {
                continue;
            }

            var length = U32BE(entry, 8);
            var offset = U64BE(entry, 16);
            var name = LocatorOrder[rank].Name;
            if (length == 0 || length > MaxLocator || offset > long.MaxValue)
            {
                findings.Add($"The {name} parent locator has an unusable length {length} or offset {offset}");
                continue;
            }

            var data = BytesExact(source, (long)offset, length);
            if (data is null)
            {
                findings.Add($"The {name} parent locator data lies past the end of the file");
                continue;
            }

            var text = name switch
            {
                "W2ru" or "W2ku" => Encoding.Unicode.GetString(data),
                "MacX" => MacUrlPath(Encoding.UTF8.GetString(data)),
                _ => Encoding.Latin1.GetString(data),
            };
            text = text.TrimEnd('\0');
            if (text.Length > 0)
            {
                found.Add((rank, new BackingLocator(Encoding.UTF8.GetBytes(text), name, WindowsSeparators: name != "MacX")));
            }
        }

        return found.OrderBy(f => f.Rank).Select(f => f.Locator).ToList();
    }

    private static string MacUrlPath(string url)
    {
        const string prefix = "file://";
        if (!url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var rest = url[prefix.Length..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? rest : Uri.UnescapeDataString(rest[slash..]);
    }

    /// <summary>The ones' complement of the byte sum, with the checksum field itself counted as zero.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> block, int checksumAt)
    {
        uint sum = 0;
        for (var i = 0; i < block.Length; i++)
        {
            if (i < checksumAt || i >= checksumAt + 4)
            {
                sum += block[i];
            }
        }

        return ~sum;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
