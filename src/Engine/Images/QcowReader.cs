using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>qcow version 1 (big-endian, 48-byte header). It never records its backing format.</summary>
internal static class QcowReader
{
    private const int HeaderLength = 48;
    private const int MaxBackingName = 1023;

    internal static bool Probe(ReadOnlySpan<byte> head) => StartsWith(head, 0, Qcow2Reader.Magic) && head.Length >= 8 && U32BE(head, 4) == 1;

    internal static ImageHeader Read(IImageSource source)
    {
        var head = Bytes(source, 0, HeaderLength);
        if (head.Length < 8 || !StartsWith(head, 0, Qcow2Reader.Magic) || U32BE(head, 4) != 1)
        {
            return ImageHeader.Broken("qcow", "The image has no qcow (version 1) header");
        }

        if (head.Length < HeaderLength)
        {
            return ImageHeader.Broken("qcow", $"The qcow header is truncated: {head.Length} of {HeaderLength} bytes");
        }

        var backingOffset = U64BE(head, 8);
        var backingSize = U32BE(head, 16);
        var size = U64BE(head, 24);
        var clusterBits = head[32];
        var l2Bits = head[33];
        if (clusterBits is < 9 or > 16)
        {
            return ImageHeader.Broken("qcow", $"Unsupported cluster size: 2^{clusterBits}");
        }

        if (l2Bits is < 6 or > 16)
        {
            return ImageHeader.Broken("qcow", $"Unsupported L2 table size: 2^{l2Bits}");
        }

        if (size > long.MaxValue / 2)
        {
            return ImageHeader.Broken("qcow", $"The virtual size {size} is too large");
        }

        var findings = new List<string>();
        if (U32BE(head, 36) != 0)
        {
            findings.Add("The image uses legacy AES encryption");
        }

        var backing = Array.Empty<BackingLocator>();
        if (backingOffset != 0 && backingSize != 0)
        {
            if (backingSize > MaxBackingName)
            {
                return ImageHeader.Broken("qcow", $"Backing file name too long: {backingSize} bytes");
            }

            if (backingOffset > long.MaxValue)
            {
                return ImageHeader.Broken("qcow", $"Invalid backing file offset {backingOffset}");
            }

            var name = BytesExact(source, (long)backingOffset, backingSize);
            if (name is null)
            {
                return ImageHeader.Broken("qcow", $"The backing name at offset {backingOffset} runs past the end of the file");
            }

            var cut = UpToNul(name);
            if (cut.Length != name.Length)
            {
                findings.Add("The backing name contains a NUL byte; the name ends there");
            }

            if (cut.Length > 0)
            {
                backing = new[] { new BackingLocator(cut, "backing_file") };
            }
        }

        return new ImageHeader { Format = "qcow", VirtualSize = (long)size, Backing = backing, Findings = findings };
    }
}
