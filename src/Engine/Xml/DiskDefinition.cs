using System.Xml.Linq;

namespace LibVirtPS.Engine.Xml;

/// <summary>A network host of a network storage source: name/port over tcp, or a unix socket.</summary>
public sealed record NetworkHost(string? Name, int? Port, string? Transport, string? Socket)
{
    /// <summary>host[:port] (an IPv6 address in brackets), or unix:socket for a unix transport.</summary>
    public override string ToString()
    {
        if (Socket is not null || string.Equals(Transport, "unix", StringComparison.Ordinal))
        {
            return $"unix:{Socket}";
        }

        var name = Name is not null && Name.Contains(':') ? $"[{Name}]" : Name ?? "";
        return Port is int p ? $"{name}:{p}" : name;
    }
}

/// <summary>
/// One storage source of a disk chain (libvirt's virStorageSource): the disk's own source at the top, each
/// backingStore below it. Unknown attributes and children of the source element are kept in SourceElement so
/// that formatting loses nothing.
/// </summary>
public sealed record StorageSource
{
    /// <summary>file, block, dir, network, volume, nvme, vhostuser, vhostvdpa (see XmlEnums.StorageTypes).</summary>
    public string Type { get; init; } = "file";

    /// <summary>driver type on the top, format type on backing layers (qcow2, raw, ...).</summary>
    public string? Format { get; init; }

    /// <summary>source file, dev or dir.</summary>
    public string? Path { get; init; }

    public string? Protocol { get; init; }

    /// <summary>The network source's name attribute (export, volume or image name).</summary>
    public string? NetworkName { get; init; }

    public IReadOnlyList<NetworkHost> Hosts { get; init; } = Array.Empty<NetworkHost>();
    public string? Pool { get; init; }
    public string? Volume { get; init; }

    /// <summary>libvirt's index attribute (backingStore only).</summary>
    public int? Index { get; init; }

    /// <summary>The next layer down, or null.</summary>
    public StorageSource? BackingStore { get; init; }

    /// <summary>True when an empty backingStore element follows: the chain ends here by definition.</summary>
    public bool ChainClosed { get; init; }

    /// <summary>The source element as read (null when the layer had none).</summary>
    public XElement? SourceElement { get; init; }

    /// <summary>
    /// Children of the backingStore element other than format, source and backingStore. Formatting adds them only
    /// to a layer that has no BackingElement; otherwise they are already in place there.
    /// </summary>
    public IReadOnlyList<XElement> ExtraElements { get; init; } = Array.Empty<XElement>();

    /// <summary>The backingStore element this layer was read from (null on the top layer and on new layers).</summary>
    public XElement? BackingElement { get; init; }

    /// <summary>The path a person reads: the file or device, a network URI, or pool/volume.</summary>
    public string? DisplayPath => Type switch
    {
        "network" => NetworkUri(),
        "volume" => Pool is null && Volume is null ? null : $"{Pool}/{Volume}",
        _ => Path,
    };

    /// <summary>Layers from this one down, this one first.</summary>
    public IEnumerable<StorageSource> Layers()
    {
        for (var s = this; s is not null; s = s.BackingStore)
        {
            yield return s;
        }
    }

    private string? NetworkUri()
    {
        if (Protocol is null)
        {
            return NetworkName;
        }

        var name = NetworkName?.TrimStart('/') ?? "";
        var first = Hosts.Count > 0 ? Hosts[0] : null;
        if (first?.Socket is not null || string.Equals(first?.Transport, "unix", StringComparison.OrdinalIgnoreCase))
        {
            return $"{Protocol}+unix:///{name}?socket={first!.Socket}";
        }

        var authority = first?.ToString() ?? "";
        return $"{Protocol}://{authority}/{name}";
    }
}

/// <summary>A domain's disk device (libvirt's virDomainDiskDef), the parts the project models.</summary>
public sealed record DiskDefinition
{
    /// <summary>disk, cdrom, floppy, lun (see XmlEnums.DiskDevices).</summary>
    public string Device { get; init; } = "disk";

    public string? Target { get; init; }
    public string? Bus { get; init; }
    public bool ReadOnly { get; init; }

    /// <summary>The driver element's name attribute (qemu, ...).</summary>
    public string? DriverName { get; init; }

    /// <summary>The top of the chain: the disk's own source, with its backing layers below.</summary>
    public StorageSource Source { get; init; } = new();

    /// <summary>The disk element as read, kept so that formatting preserves what is not modelled.</summary>
    public XElement? Element { get; init; }
}
