using System.Text;
using static LibVirtPS.Engine.Images.HeaderReading;

namespace LibVirtPS.Engine.Images;

/// <summary>Formats without a parent: LUKS (version 1), raw (with ISO-9660 noticed), VDI and Parallels.</summary>
internal static class SimpleReaders
{
    private static readonly byte[] LuksMagic = { (byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE };
    private static readonly byte[] IsoMagic = Encoding.ASCII.GetBytes("CD001");
    private static readonly byte[] ParallelsMagic = Encoding.ASCII.GetBytes("WithoutFreeSpace");
    private static readonly byte[] ParallelsExtMagic = Encoding.ASCII.GetBytes("WithouFreSpacExt");
    private const uint VdiSignature = 0xBEDA107F;

    /// <summary>LUKS version 1 only: qemu 7.2 reads a LUKS2 header as raw.</summary>
    internal static bool ProbeLuks(ReadOnlySpan<byte> head) => StartsWith(head, 0, LuksMagic) && head.Length >= 8 && U16BE(head, 6) == 1;

    internal static ImageHeader ReadLuks(IImageSource source)
    {
        var head = Bytes(source, 0, 592);
        if (!ProbeLuks(head))
        {
            return ImageHeader.Broken("luks", "The image has no LUKS version 1 header");
        }

        if (head.Length < 592)
        {
            return ImageHeader.Broken("luks", $"The LUKS header is truncated: {head.Length} of 592 bytes");
        }

        var payload = (long)U32BE(head, 104) * 512;
        if (payload > source.Length)
        {
            return ImageHeader.Broken("luks", $"The LUKS payload offset {payload} lies past the end of the file");
        }

        var cipher = Ascii(head.AsSpan(8, 32)) + "-" + Ascii(head.AsSpan(40, 32));
        return new ImageHeader { Format = "luks", Variant = cipher, VirtualSize = source.Length - payload };
    }

    /// <summary>Raw is what is left: its size is the file's size, and its content is never interpreted.</summary>
    internal static ImageHeader ReadRaw(IImageSource source)
    {
        var iso = StartsWith(Bytes(source, 32769, 5), 0, IsoMagic);
        return new ImageHeader { Format = "raw", Variant = iso ? "iso" : null, VirtualSize = source.Length };
    }

    internal static bool ProbeVdi(ReadOnlySpan<byte> head) => head.Length >= 72 && U32LE(head, 64) == VdiSignature;

    internal static ImageHeader ReadVdi(IImageSource source)
    {
        var head = Bytes(source, 0, 512);
        if (!ProbeVdi(head))
        {
            return ImageHeader.Broken("vdi", "The image has no VDI header");
        }

        if (head.Length < 376)
        {
            return ImageHeader.Broken("vdi", "The VDI header is truncated");
        }

        var size = U64LE(head, 368);
        return size > long.MaxValue
            ? ImageHeader.Broken("vdi", $"The virtual size {size} is too large")
            : new ImageHeader { Format = "vdi", VirtualSize = (long)size };
    }

    internal static bool ProbeParallels(ReadOnlySpan<byte> head) => StartsWith(head, 0, ParallelsMagic) || StartsWith(head, 0, ParallelsExtMagic);

    internal static ImageHeader ReadParallels(IImageSource source)
    {
        var head = Bytes(source, 0, 64);
        if (!ProbeParallels(head))
        {
            return ImageHeader.Broken("parallels", "The image has no Parallels header");
        }

        if (head.Length < 44)
        {
            return ImageHeader.Broken("parallels", "The Parallels header is truncated");
        }

        var size = Sectors(U64LE(head, 36));
        return size is null
            ? ImageHeader.Broken("parallels", "The virtual size is too large")
            : new ImageHeader { Format = "parallels", VirtualSize = size };
    }
}
