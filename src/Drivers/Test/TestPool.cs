using System.Xml.Linq;

namespace LibVirtPS.Drivers.Test;

/// <summary>A storage pool of a test host with its volumes. Sizes are bytes.</summary>
internal sealed record TestPool(
    string Name,
    Guid Uuid,
    string Type,
    string? TargetPath,
    long CapacityBytes,
    long AllocationBytes,
    bool Active,
    bool Persistent,
    bool Autostart,
    XElement Element)
{
    /// <summary>What a pool offers when its definition names no capacity (libvirt's test driver uses 100 GiB).</summary>
    public const long DefaultCapacityBytes = 100L * 1024 * 1024 * 1024;

    public IReadOnlyList<TestVolume> Volumes { get; init; } = Array.Empty<TestVolume>();

    public long AvailableBytes => Math.Max(0, CapacityBytes - AllocationBytes);

    public string Xml => XmlText.Format(Element);

    public TestVolume? FindVolume(string name) => Volumes.FirstOrDefault(v => v.Name == name);

    /// <summary>
    /// A pool read from a node file; like libvirt, it starts active and persistent. Volume children are not part
    /// of a pool definition: the caller reads them and adds them with <see cref="WithVolumes"/>.
    /// </summary>
    public static TestPool Parse(XElement element)
    {
        var type = element.Attribute("type")?.Value;
        if (string.IsNullOrWhiteSpace(type))
        {
            throw NodeXml.Error(element, "A <pool> needs a type attribute (dir, fs, logical, ...)");
        }

        var name = NodeXml.Name(element);
        var uuid = NodeXml.Uuid(element) ?? Guid.NewGuid();
        var definition = NodeXml.WithUuid(element, uuid);
        definition.Elements("volume").Remove();
        return new TestPool(
            name,
            uuid,
            type,
            element.Element("target")?.Element("path")?.Value.Trim(),
            NodeXml.Bytes(element.Element("capacity")) ?? DefaultCapacityBytes,
            NodeXml.Bytes(element.Element("allocation")) ?? 0,
            Active: true,
            Persistent: true,
            Autostart: false,
            definition);
    }

    /// <summary>The pool holding these volumes; without an explicit allocation, the volumes' allocations add up.</summary>
    public TestPool WithVolumes(IReadOnlyList<TestVolume> volumes)
    {
        var duplicate = volumes.GroupBy(v => v.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw NodeXml.Error(duplicate.Last().Element, $"The pool '{Name}' has two volumes named '{duplicate.Key}'");
        }

        var allocation = Element.Element("allocation") is null ? volumes.Sum(v => v.AllocationBytes) : AllocationBytes;
        return this with { Volumes = volumes, AllocationBytes = allocation };
    }
}

/// <summary>A storage volume of a test pool. Key and path default to the pool's folder and the volume name.</summary>
internal sealed record TestVolume(
    string Name,
    string Key,
    string Path,
    string? Format,
    long CapacityBytes,
    long AllocationBytes,
    XElement Element)
{
    public string Xml => XmlText.Format(Element);

    public static TestVolume Parse(XElement element, string? poolPath)
    {
        var name = NodeXml.Name(element);
        var target = element.Element("target");
        var path = target?.Element("path")?.Value.Trim() is { Length: > 0 } given
            ? given
            : (poolPath ?? "").TrimEnd('/') + "/" + name;
        var capacity = NodeXml.Bytes(element.Element("capacity")) ?? 0;
        return new TestVolume(
            name,
            element.Element("key")?.Value.Trim() is { Length: > 0 } key ? key : path,
            path,
            target?.Element("format")?.Attribute("type")?.Value,
            capacity,
            NodeXml.Bytes(element.Element("allocation")) ?? capacity,
            element);
    }
}
