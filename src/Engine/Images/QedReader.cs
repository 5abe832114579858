using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>QED (little-endian). The backing format is raw when the no-probe bit is set, else not recorded.</summary>
internal static class QedReader
{
    private static readonly byte[] Magic = { (byte)'Q', (byte)'E', (byte)'D', 0 };
    private const int HeaderLength = 64;
    private const ulong HasBackingFile = 0x01, NeedsCheck = 0x02, BackingIsRaw = 0x04, KnownFeatures = 0x07;
    private const int MaxBackingName = 4095;

    internal static bool Probe(ReadOnlySpan<byte> head) => StartsWith(head, 0, Magic);

    internal static ImageHeader Read(IImageSource source)
    {
        var head = Bytes(source, 0, HeaderLength);
        if (!StartsWith(head, 0, Magic))
        {
            return ImageHeader.Broken("qed", "The image has no QED header");
        }

        if (head.Length < HeaderLength)
        {
            return ImageHeader.Broken("qed", $"The QED header is truncated: {head.Length} of {HeaderLength} bytes");
        }

        var clusterSize = U32LE(head, 4);
        var tableSize = U32LE(head, 8);
        var headerClusters = U32LE(head, 12);
        var features = U64LE(head, 16);
        var size = U64LE(head, 48);
        var nameOffset = U32LE(head, 56);
        var nameSize = U32LE(head, 60);
        if (clusterSize < 4096 || clusterSize > (1u << 26) || (clusterSize & (clusterSize - 1)) != 0)
        {
            return ImageHeader.Broken("qed", $"Invalid cluster size {clusterSize}");
        }

        if (tableSize is < 1 or > 16 || (tableSize & (tableSize - 1)) != 0)
        {
            return ImageHeader.Broken("qed", $"Invalid table size {tableSize}");
        }

        if ((features & ~KnownFeatures) != 0)
        {
            return ImageHeader.Broken("qed", $"Unsupported QED feature bits 0x{features & ~KnownFeatures:x}");
        }

        if (size > long.MaxValue)
        {
            return ImageHeader.Broken("qed", $"The virtual size {size} is too large");
        }

        var findings = new List<string>();
        if ((features & NeedsCheck) != 0)
        {
            findings.Add("The image needs a consistency check");
        }

        var backing = Array.Empty<BackingLocator>();
        if ((features & HasBackingFile) != 0)
        {
            if (nameSize > MaxBackingName)
            {
                return ImageHeader.Broken("qed", $"Backing file name too long: {nameSize} bytes");
            }

            var headerBytes = (ulong)clusterSize * headerClusters;
            if ((ulong)nameOffset + nameSize > headerBytes)
            {
                return ImageHeader.Broken("qed", $"The backing name (offset {nameOffset}, {nameSize} bytes) lies outside the header");
            }

            var name = BytesExact(source, nameOffset, nameSize);
            if (name is null)
            {
                return ImageHeader.Broken("qed", $"The backing name at offset {nameOffset} runs past the end of the file");
            }

            var cut = UpToNul(name);
            if (cut.Length != name.Length)
            {
                findings.Add("The backing name contains a NUL byte; the name ends there");
            }

            if (cut.Length > 0)
            {
                backing = new[] { new BackingLocator(cut, "backing_filename") };
            }
        }

        return new ImageHeader
        {
            Format = "qed",
            VirtualSize = (long)size,
            Backing = backing,
            BackingFormat = backing.Length > 0 && (features & BackingIsRaw) != 0 ? "raw" : null,
            Findings = findings,
        };
    }
}
