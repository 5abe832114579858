using System.Globalization;
using System.Text;
using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// VMDK: a sparse extent with an embedded descriptor ("KDMV"), an ESX "COWD" extent, or a text descriptor file. The
/// size and the parent come from the descriptor alone; extent files are listed, never opened.
/// </summary>
internal static class VmdkReader
{
    private static readonly byte[] SparseMagic = Encoding.ASCII.GetBytes("KDMV");
    private static readonly byte[] CowdMagic = Encoding.ASCII.GetBytes("COWD");
    private static readonly byte[] HintKey = Encoding.ASCII.GetBytes("parentFileNameHint=\"");
    private const int MaxHint = 4095;

    private static readonly HashSet<string> OpenableTypes = new(StringComparer.Ordinal)
    {
        "monolithicSparse", "monolithicFlat", "streamOptimized", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat",
        "vmfs", "vmfsSparse", "seSparse",
    };

    internal static bool Probe(ReadOnlySpan<byte> head) =>
        StartsWith(head, 0, SparseMagic) || StartsWith(head, 0, CowdMagic) || LooksLikeDescriptor(head);

    /// <summary>After '#' comments and blank lines, the first line is exactly version=1, 2 or 3.</summary>
    internal static bool LooksLikeDescriptor(ReadOnlySpan<byte> head)
    {
        var at = 0;
        while (at < head.Length)
        {
            var end = head[at..].IndexOf((byte)'\n');
            var line = end < 0 ? head[at..] : head.Slice(at, end);
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.Length == 0 || line[0] == (byte)'#')
            {
                if (end < 0)
                {
                    return false;
                }

                at += end + 1;
                continue;
            }

            // A complete first line is needed: a probe buffer cut inside it proves nothing.
            return end >= 0 && line.Length == 9 && line[..8].SequenceEqual("version="u8) && line[8] is (byte)'1' or (byte)'2' or (byte)'3';
        }

        return false;
    }

    internal static ImageHeader Read(IImageSource source)
    {
        var head = Bytes(source, 0, 512);
        if (StartsWith(head, 0, SparseMagic))
        {
            return ReadSparse(source, head);
        }

        if (StartsWith(head, 0, CowdMagic))
        {
            return head.Length < 16
                ? ImageHeader.Broken("vmdk", "The COWD header is truncated")
                : new ImageHeader { Format = "vmdk", Variant = "vmfsSparse", VirtualSize = (long)U32LE(head, 12) * 512 };
        }

        if (!LooksLikeDescriptor(head))
        {
            return ImageHeader.Broken("vmdk", "invalid VMDK image descriptor: no sparse header and no version line");
        }

        var findings = new List<string>();
        if (source.Length > MaxChunk)
        {
            findings.Add($"The descriptor file is {source.Length} bytes long; only the first {MaxChunk} were read");
        }

        return FromDescriptor(Bytes(source, 0, MaxChunk), null, findings);
    }

    private static ImageHeader ReadSparse(IImageSource source, byte[] head)
    {
        if (head.Length < 77)
        {
            return ImageHeader.Broken("vmdk", $"The VMDK sparse header is truncated: {head.Length} bytes");
        }

        var version = U32LE(head, 4);
        if (version is < 1 or > 3)
        {
            return ImageHeader.Broken("vmdk", $"Unsupported VMDK version {version}");
        }

        var capacity = Sectors(U64LE(head, 12));
        var descriptorSector = U64LE(head, 28);
        var descriptorSectors = U64LE(head, 36);
        if (capacity is null)
        {
            return ImageHeader.Broken("vmdk", "The VMDK capacity is too large");
        }

        if (descriptorSector == 0 || descriptorSectors == 0)
        {
            // An extent of a split image: it has no descriptor of its own.
            return new ImageHeader { Format = "vmdk", Variant = "sparseExtent", VirtualSize = capacity };
        }

        var offset = Sectors(descriptorSector);
        var length = Sectors(descriptorSectors);
        if (offset is null || length is null || offset.Value >= source.Length)
        {
            return ImageHeader.Broken("vmdk", $"The embedded descriptor (sector {descriptorSector}) lies past the end of the file");
        }

        var findings = new List<string>();
        if (length.Value > MaxChunk)
        {
            findings.Add($"The embedded descriptor is {length} bytes long; only the first {MaxChunk} were read");
        }

        var text = Bytes(source, offset.Value, length.Value);
        return FromDescriptor(UpToNul(text), capacity, findings);
    }

    private static ImageHeader FromDescriptor(byte[] text, long? capacity, List<string> findings)
    {
        var hint = FindQuoted(text, HintKey, out var unterminated);
        if (unterminated)
        {
            return ImageHeader.Broken("vmdk", "The parentFileNameHint value has no closing quote");
        }

        if (hint is not null && hint.Length > MaxHint)
        {
            return ImageHeader.Broken("vmdk", $"The parentFileNameHint is too long: {hint.Length} bytes");
        }

        var lines = Encoding.UTF8.GetString(text).Split('\n').Select(l => l.Trim()).ToList();
        var createType = Value(lines, "createType")?.Trim('"');
        if (createType is null)
        {
            return ImageHeader.Broken("vmdk", "invalid VMDK image descriptor: no createType");
        }

        if (!OpenableTypes.Contains(createType))
        {
            return ImageHeader.Broken("vmdk", $"Unsupported VMDK image type '{createType}'", createType);
        }

        long total = 0;
        var extents = new List<string>();
        foreach (var line in lines)
        {
            if (!TryParseExtent(line, out var sectors, out var file, out var type))
            {
                continue;
            }

            total = sectors > (long.MaxValue - total) / 512 ? long.MaxValue : total + sectors * 512;
            if (type != "ZERO" && file is not null)
            {
                extents.Add(file);
            }
        }

        var cid = Value(lines, "CID");
        var parentCid = Value(lines, "parentCID");
        var hasParentCid = parentCid is not null && !parentCid.Equals("ffffffff", StringComparison.OrdinalIgnoreCase);
        if (hint is not null && hint.Length > 0 && !hasParentCid)
        {
            findings.Add("The descriptor names a parent but its parentCID says it has none");
        }

        var backing = hint is { Length: > 0 } ? new[] { new BackingLocator(hint, "parentFileNameHint") } : Array.Empty<BackingLocator>();
        return new ImageHeader
        {
            Format = "vmdk",
            Variant = createType,
            VirtualSize = total > 0 ? total : capacity,
            Backing = backing,
            BackingFormat = backing.Length > 0 ? "vmdk" : null,
            Extents = capacity is null ? extents : Array.Empty<string>(),
            OwnId = cid?.ToLowerInvariant(),
            ParentId = hasParentCid ? parentCid!.ToLowerInvariant() : null,
            Findings = findings,
        };
    }

    /// <summary>A plain substring search, as the reference tools do: a commented-out hint still counts.</summary>
    private static byte[]? FindQuoted(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, out bool unterminated)
    {
        unterminated = false;
        var at = text.IndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = text[(at + key.Length)..];
        var end = rest.IndexOf((byte)'"');
        if (end < 0)
        {
            unterminated = true;
            return null;
        }

        return rest[..end].ToArray();
    }

    private static string? Value(List<string> lines, string key)
    {
        foreach (var line in lines)
        {
            if (line.StartsWith(key, StringComparison.Ordinal) && line.Length > key.Length && line[key.Length] == '=')
            {
                return line[(key.Length + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>RW|RDONLY|NOACCESS sectors TYPE ["file" [offset]].</summary>
    private static bool TryParseExtent(string line, out long sectors, out string? file, out string type)
    {
        sectors = 0;
        file = null;
        type = "";
        var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] is not ("RW" or "RDONLY" or "NOACCESS")
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out sectors))
        {
            return false;
        }

        type = parts[2];
        if (parts.Length == 4)
        {
            var quoted = parts[3];
            var first = quoted.IndexOf('"');
            var last = quoted.LastIndexOf('"');
            file = first >= 0 && last > first ? quoted[(first + 1)..last] : null;
        }

        return true;
    }
}
