using System.Text;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// One way to reach a parent image, as the image records it. qcow, qcow2, QED and VMDK have one; a differencing VHD or
/// VHDX may have several locators, tried in order (the relative one first).
/// </summary>
public sealed record BackingLocator(byte[] Reference, string Kind, bool WindowsSeparators = false)
{
    /// <summary>The reference for display (invalid UTF-8 becomes U+FFFD).</summary>
    public string Text => Encoding.UTF8.GetString(Reference);

    public bool IsValidUtf8 => ImagePath.TryDecode(Reference, out _);

    /// <summary>The reference as a path of this system: Windows '\' separators become '/' on Unix.</summary>
    public byte[] AsLocalReference()
    {
        if (!WindowsSeparators || OperatingSystem.IsWindows())
        {
            return Reference;
        }

        var copy = (byte[])Reference.Clone();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] == (byte)'\\')
            {
                copy[i] = (byte)'/';
            }
        }

        return copy;
    }

    public override string ToString() => $"{Kind}: {Text}";
}

/// <summary>
/// What a header reader found in one image: its format (a qemu driver name), virtual size, how it names its parent,
/// the parent's format when recorded, files it depends on that are not chain layers, and what is wrong with it.
/// When Invalid is set, the image's own metadata cannot be trusted and the chain stops at it.
/// </summary>
public sealed record ImageHeader
{
    public required string Format { get; init; }

    /// <summary>A finer kind: v2/v3 for qcow2, fixed/dynamic/differencing for VHD, the VMDK createType, iso for raw.</summary>
    public string? Variant { get; init; }

    public long? VirtualSize { get; init; }

    /// <summary>Ways to reach the parent, in the order to try them; empty when the image has no backing file.</summary>
    public IReadOnlyList<BackingLocator> Backing { get; init; } = Array.Empty<BackingLocator>();

    /// <summary>The parent's format when the image records it (qcow2 extension, QED raw bit, VMDK/VHD/VHDX implicit).</summary>
    public string? BackingFormat { get; init; }

    /// <summary>The qcow2 external data file name as written; a dependency, never a chain layer.</summary>
    public string? DataFile { get; init; }

    /// <summary>Other files the image needs that are not chain layers (VMDK extents), as written.</summary>
    public IReadOnlyList<string> Extents { get; init; } = Array.Empty<string>();

    /// <summary>The image's own identity as its format defines it (VHD unique id, VHDX DataWriteGuid, VMDK CID).</summary>
    public string? OwnId { get; init; }

    /// <summary>The identity the image expects of its parent (VHD parent unique id, VHDX parent_linkage, VMDK parentCID).</summary>
    public string? ParentId { get; init; }

    /// <summary>Things worth knowing that do not stop the chain (dirty, corrupt, checksum mismatch, ...).</summary>
    public IReadOnlyList<string> Findings { get; init; } = Array.Empty<string>();

    /// <summary>Why the image's own metadata is invalid, or null.</summary>
    public string? Invalid { get; init; }

    public bool HasBacking => Backing.Count > 0;

    internal static ImageHeader Broken(string format, string reason, string? variant = null) =>
        new() { Format = format, Invalid = reason, Variant = variant };
}
