using System.Text;
using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>qcow2 versions 2 and 3 (big-endian): header, header extensions and the backing name in cluster 0.</summary>
internal static class Qcow2Reader
{
    internal static readonly byte[] Magic = { (byte)'Q', (byte)'F', (byte)'I', 0xFB };

    private const uint ExtensionEnd = 0, ExtensionBackingFormat = 0xE2792ACA, ExtensionDataFile = 0x44415441,
        ExtensionEncryption = 0x0537BE77;

    private const ulong KnownIncompatible = 0x1F;
    private const int MaxBackingName = 1023;
    private const int MaxDataFileName = 4095;

    /// <summary>qcow2 magic with any version but 1 (version 1 is qcow; other versions are an invalid qcow2).</summary>
    internal static bool Probe(ReadOnlySpan<byte> head) => StartsWith(head, 0, Magic) && head.Length >= 8 && U32BE(head, 4) != 1;

    internal static ImageHeader Read(IImageSource source)
    {
        var head = Bytes(source, 0, 112);
        if (head.Length < 8 || !StartsWith(head, 0, Magic))
        {
            return ImageHeader.Broken("qcow2", "The image has no qcow2 header");
        }

        var version = U32BE(head, 4);
        if (version is not (2 or 3))
        {
            return ImageHeader.Broken("qcow2", $"Unsupported qcow2 version {version}");
        }

        var fixedLength = version == 2 ? 72 : 104;
        if (head.Length < fixedLength)
        {
            return ImageHeader.Broken("qcow2", $"The qcow2 header is truncated: {head.Length} of {fixedLength} bytes", $"v{version}");
        }

        var backingOffset = U64BE(head, 8);
        var backingSize = U32BE(head, 16);
        var clusterBits = U32BE(head, 20);
        var size = U64BE(head, 24);
        var cryptMethod = U32BE(head, 32);
        var variant = $"v{version}";
        if (clusterBits is < 9 or > 21)
        {
            return ImageHeader.Broken("qcow2", $"Unsupported cluster size: 2^{clusterBits}", variant);
        }

        var clusterSize = 1L << (int)clusterBits;
        if (size > long.MaxValue)
        {
            return ImageHeader.Broken("qcow2", $"The virtual size {size} is too large", variant);
        }

        var findings = new List<string>();
        ulong incompatible = 0, autoclear = 0;
        long headerLength = 72;
        if (version == 3)
        {
            incompatible = U64BE(head, 72);
            autoclear = U64BE(head, 88);
            headerLength = U32BE(head, 100);
            if (headerLength < 104)
            {
                return ImageHeader.Broken("qcow2", $"The qcow2 header is too short: header_length {headerLength}", variant);
            }

            if (headerLength > clusterSize)
            {
                return ImageHeader.Broken("qcow2", $"The qcow2 header exceeds the cluster size: header_length {headerLength}", variant);
            }

            if ((incompatible & ~KnownIncompatible) != 0)
            {
                return ImageHeader.Broken("qcow2", $"Unsupported qcow2 feature(s): unknown incompatible feature bits 0x{incompatible & ~KnownIncompatible:x}", variant);
            }

            if ((incompatible & 1) != 0)
            {
                findings.Add("The image is marked dirty (lazy refcounts were not written back)");
            }

            if ((incompatible & 2) != 0)
            {
                findings.Add("The image is marked corrupt");
            }
        }

        var hasBacking = backingOffset != 0 && backingSize != 0;
        if (hasBacking)
        {
            if (backingOffset > (ulong)clusterSize)
            {
                return ImageHeader.Broken("qcow2", $"Invalid backing file offset {backingOffset}: it lies beyond the first cluster", variant);
            }

            if (backingSize > MaxBackingName || backingSize > (ulong)clusterSize - backingOffset)
            {
                return ImageHeader.Broken("qcow2", $"Backing file name too long: {backingSize} bytes", variant);
            }
        }

        // Extensions run from the end of the header to the backing name, or to the end of cluster 0.
        var areaEnd = hasBacking ? (long)backingOffset : clusterSize;
        var extensions = ReadExtensions(source, headerLength, areaEnd, findings);
        if (extensions.Invalid is not null)
        {
            return ImageHeader.Broken("qcow2", extensions.Invalid, variant);
        }

        string? dataFile = null;
        if ((incompatible & 4) != 0)
        {
            dataFile = extensions.DataFile;
            if (dataFile is null)
            {
                findings.Add("The external data file bit is set but no data file name is recorded");
            }
        }
        else if (extensions.DataFile is not null)
        {
            findings.Add($"A data file name '{extensions.DataFile}' is recorded but the external data file bit is clear");
        }

        if (cryptMethod == 1)
        {
            findings.Add("The image uses legacy AES encryption");
        }
        else if (cryptMethod == 2 && !extensions.HasEncryptionHeader)
        {
            findings.Add("LUKS encryption is set but the encryption header extension is missing");
        }

        var backing = Array.Empty<BackingLocator>();
        if (hasBacking)
        {
            var name = BytesExact(source, (long)backingOffset, backingSize);
            if (name is null)
            {
                return ImageHeader.Broken("qcow2", $"The backing name at offset {backingOffset} runs past the end of the file", variant);
            }

            var cut = UpToNul(name);
            if (cut.Length != name.Length)
            {
                findings.Add(cut.Length == 0
                    ? "The backing name starts with a NUL byte, so the image has no backing file"
                    : "The backing name contains a NUL byte; the name ends there");
            }

            if (cut.Length > 0)
            {
                backing = new[] { new BackingLocator(cut, "backing_file") };
            }
        }

        if (backing.Length > 0 && (autoclear & 2) != 0 && dataFile is not null)
        {
            findings.Add("A backing file and data-file-raw are set together, which qemu refuses");
        }

        return new ImageHeader
        {
            Format = "qcow2",
            Variant = variant,
            VirtualSize = (long)size,
            Backing = backing,
            BackingFormat = backing.Length > 0 ? extensions.BackingFormat : null,
            DataFile = dataFile,
            Findings = findings,
        };
    }

    private sealed record Extensions(string? BackingFormat, string? DataFile, bool HasEncryptionHeader, string? Invalid);

    private static Extensions ReadExtensions(IImageSource source, long start, long end, List<string> findings)
    {
        var window = new WindowReader(source);
        string? backingFormat = null, dataFile = null;
        var encryption = false;
        var offset = start;
        while (offset + 8 <= end)
        {
            var head = window.Get(offset, 8);
            if (head.Length < 8)
            {
                // The file ends inside cluster 0: no more extensions can follow.
                break;
            }

            var type = U32BE(head, 0);
            var length = (long)U32BE(head, 4);
            if (type == ExtensionEnd)
            {
                break;
            }

            if (length > end - offset - 8)
            {
                return new Extensions(null, null, false, $"Header extension 0x{type:x8} too large: {length} bytes at offset {offset}");
            }

            switch (type)
            {
                case ExtensionBackingFormat:
                    if (length >= 16)
                    {
                        return new Extensions(null, null, false, $"The backing format name is too long: {length} bytes");
                    }

                    backingFormat = Encoding.ASCII.GetString(UpToNul(window.Get(offset + 8, (int)length)));
                    break;
                case ExtensionDataFile:
                    if (length > MaxDataFileName)
                    {
                        findings.Add($"The data file name is {length} bytes long; it was not read");
                    }
                    else
                    {
                        dataFile = Encoding.UTF8.GetString(UpToNul(Bytes(source, offset + 8, length)));
                    }

                    break;
                case ExtensionEncryption:
                    encryption = true;
                    break;
            }

            offset = checked(offset + 8 + ((length + 7) & ~7L));
        }

        return new Extensions(backingFormat, dataFile, encryption, null);
    }
}
