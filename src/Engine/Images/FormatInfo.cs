namespace LibVirtPS.Engine.Images;

/// <summary>Decides from the first bytes of an image whether it carries a format's signature.</summary>
public delegate bool ProbeHandler(ReadOnlySpan<byte> head);

/// <summary>
/// One image format: its qemu driver name, how its first sector is recognised, how its header is read, and the
/// format its parent has when the format implies one (VMDK, VHD, VHDX parents are of the same format).
/// </summary>
public sealed record FormatInfo
{
    /// <summary>The lowercase qemu driver name (qcow2, vpc, ...).</summary>
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>True when the first 512 bytes carry this format's signature. Null for raw, the fallback.</summary>
    public ProbeHandler? Probe { get; init; }

    /// <summary>Reads the header. Never throws for bad content; problems come back in Invalid and Findings.</summary>
    public required Func<IImageSource, ImageHeader> Read { get; init; }

    /// <summary>Whether the format can name a parent at all.</summary>
    public bool CanHaveBacking { get; init; }
}

/// <summary>The table of formats the prober knows, and probing by content as qemu does.</summary>
public static class ImageFormats
{
    /// <summary>How many bytes of the start of an image probing looks at (as qemu does).</summary>
    public const int ProbeLength = 512;

    public static FormatInfo Raw { get; } = new()
    {
        Name = "raw", Description = "raw data (an ISO-9660 image is raw too)", Read = SimpleReaders.ReadRaw,
    };

    /// <summary>Every format, probe order first to last; raw is last because it matches everything.</summary>
    public static IReadOnlyList<FormatInfo> All { get; } = new[]
    {
        new FormatInfo { Name = "qcow2", Description = "QEMU copy-on-write v2/v3", Probe = Qcow2Reader.Probe, Read = Qcow2Reader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "qcow", Description = "QEMU copy-on-write v1", Probe = QcowReader.Probe, Read = QcowReader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "qed", Description = "QEMU enhanced disk", Probe = QedReader.Probe, Read = QedReader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "vmdk", Description = "VMware disk (sparse or descriptor)", Probe = VmdkReader.Probe, Read = VmdkReader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "vpc", Description = "Virtual PC / Hyper-V VHD", Probe = VhdReader.Probe, Read = VhdReader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "vhdx", Description = "Hyper-V VHDX", Probe = VhdxReader.Probe, Read = VhdxReader.Read, CanHaveBacking = true },
        new FormatInfo { Name = "luks", Description = "LUKS version 1 encrypted volume", Probe = SimpleReaders.ProbeLuks, Read = SimpleReaders.ReadLuks },
        new FormatInfo { Name = "vdi", Description = "VirtualBox disk image", Probe = SimpleReaders.ProbeVdi, Read = SimpleReaders.ReadVdi },
        new FormatInfo { Name = "parallels", Description = "Parallels disk", Probe = SimpleReaders.ProbeParallels, Read = SimpleReaders.ReadParallels },
        Raw,
    };

    /// <summary>The format of a qemu driver name, or null when the prober does not know it.</summary>
    public static FormatInfo? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <summary>The format whose signature the first 512 bytes carry; raw when none does.</summary>
    public static FormatInfo Probe(IImageSource source)
    {
        var head = HeaderReading.Bytes(source, 0, ProbeLength);
        return All.FirstOrDefault(f => f.Probe is not null && f.Probe(head)) ?? Raw;
    }

    /// <summary>True when the image's content carries the format's signature (the check of a recorded format).</summary>
    public static bool Matches(FormatInfo format, IImageSource source)
    {
        if (format.Probe is null)
        {
            return true;
        }

        var head = HeaderReading.Bytes(source, 0, ProbeLength);
        if (format.Probe(head))
        {
            return true;
        }

        // A fixed VHD keeps its only footer at the end; a stated vpc format accepts it there.
        return format.Name == "vpc" && source.Length >= 512
            && HeaderReading.StartsWith(HeaderReading.Bytes(source, source.Length - 512, 8), 0, VhdReader.FooterCookie);
    }

    /// <summary>Reads a header, turning an unexpected failure of a reader into an Invalid header, never an exception.</summary>
    public static ImageHeader ReadHeader(FormatInfo format, IImageSource source)
    {
        try
        {
            return format.Read(source);
        }
        catch (Exception e) when (e is not IOException and not OutOfMemoryException)
        {
            return ImageHeader.Broken(format.Name, $"The {format.Name} header could not be parsed ({e.GetType().Name})");
        }
    }
}
