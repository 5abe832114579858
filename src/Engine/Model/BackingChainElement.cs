namespace LibVirtPS.Engine.Model;

/// <summary>Why a backing chain stops where it does, or Ok when the element is sound.</summary>
public enum ChainStatus
{
    Ok,
    Missing,
    Unreadable,
    Loop,
    TooDeep,
    FormatUnknown,
    Invalid,
    NotProbed,
}

/// <summary>
/// One layer of a disk's backing chain, top (the active image, Depth 0) first. Domain and Target are null for a
/// chain read from an image that no domain names.
/// </summary>
public sealed record BackingChainElement
{
    public VirtHost? Host { get; init; }
    public string? Domain { get; init; }
    public string? Target { get; init; }
    public int Depth { get; init; }

    /// <summary>libvirt's index attribute of the backingStore element, null where absent (always on the top).</summary>
    public int? Index { get; init; }

    /// <summary>file, block, network, volume, dir (libvirt's storage source types).</summary>
    public string Type { get; init; } = "file";

    public string? Format { get; init; }

    /// <summary>File path or device; for network sources protocol://host[:port]/name.</summary>
    public string? Path { get; init; }

    public string? Protocol { get; init; }
    public IReadOnlyList<string> Hosts { get; init; } = Array.Empty<string>();
    public long? VirtualSize { get; init; }

    /// <summary>The reference as written one level up (null on the top and for layers that came from XML).</summary>
    public string? BackingReference { get; init; }

    public string? BackingFormat { get; init; }
    public ChainStatus Status { get; init; } = ChainStatus.Ok;
    public string? Message { get; init; }

    /// <summary>True when the domain XML closed the chain with an empty backingStore element.</summary>
    public bool ChainClosed { get; init; }

    /// <summary>Where the element's facts came from: Xml (domain definition) or Image (probed header).</summary>
    public string Origin { get; init; } = "Xml";

    /// <summary>The path's bytes in base64 when they are not valid UTF-8 (Path then shows U+FFFD and does not name the file).</summary>
    public string? PathBytes { get; init; }

    /// <summary>The backing reference's bytes in base64 when they are not valid UTF-8.</summary>
    public string? BackingReferenceBytes { get; init; }

    /// <summary>
    /// Where Format came from: xml (the domain definition), stated (by the caller), metadata (the overlay recorded it),
    /// implied (VMDK, VHD and VHDX parents share their child's format), json (a json: reference's driver) or probed.
    /// </summary>
    public string? FormatOrigin { get; init; }

    /// <summary>The qcow2 external data file as written: a dependency of this layer, not a layer of the chain.</summary>
    public string? DataFile { get; init; }

    /// <summary>Which file this element is (device and inode), when it was opened.</summary>
    public LibVirtPS.Engine.Images.FileIdentity? Identity { get; init; }

    /// <summary>What the header reader noticed that does not stop the chain (dirty, checksum mismatch, parent id mismatch...).</summary>
    public IReadOnlyList<string> Findings { get; init; } = Array.Empty<string>();

    public string? HostName => Host?.Name;

    public override string ToString() => Path ?? "";
}
