using System.Globalization;
using System.Xml.Linq;
using static LibVirtPS.Engine.Xml.XmlSupport;

namespace LibVirtPS.Engine.Xml;

/// <summary>
/// Parse and format of a domain's disk element with its nested backingStore chain. Format starts from the element
/// as read, so what is not modelled survives a round trip untouched.
/// </summary>
public static class DiskXml
{
    /// <summary>Storage source types libvirt accepts on disk and backingStore elements.</summary>
    public static readonly IReadOnlySet<string> SourceTypes =
        new HashSet<string>(StringComparer.Ordinal) { "file", "block", "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa" };

    public static DiskDefinition Parse(XElement disk)
    {
        if (disk.Name.LocalName != "disk")
        {
            throw Error(disk, $"Expected a <disk> element, found <{disk.Name.LocalName}>");
        }

        var type = Attr(disk, "type") ?? "file";
        CheckSourceType(disk, type);
        var driver = disk.Element("driver");
        var target = disk.Element("target");
        var targetDev = Attr(target, "dev");
        if (string.IsNullOrEmpty(targetDev))
        {
            throw Error(target ?? disk, "A disk needs a <target dev='...'/>");
        }

        var source = ParseSource(disk, type, Attr(driver, "type"), index: null);
        return new DiskDefinition
        {
            Device = Attr(disk, "device") ?? "disk",
            Target = targetDev,
            Bus = Attr(target, "bus"),
            ReadOnly = disk.Element("readonly") is not null,
            DriverName = Attr(driver, "name"),
            Source = source,
            Element = new XElement(disk),
        };
    }

    public static XElement Format(DiskDefinition disk)
    {
        var element = disk.Element is null ? new XElement("disk") : new XElement(disk.Element);
        SetAttr(element, "type", disk.Source.Type);
        SetAttr(element, "device", disk.Device);
        var driver = element.Element("driver");
        if (disk.Source.Format is not null || disk.DriverName is not null)
        {
            if (driver is null)
            {
                driver = new XElement("driver");
                element.AddFirst(driver);
            }

            SetAttr(driver, "name", disk.DriverName);
            SetAttr(driver, "type", disk.Source.Format);
        }

        ReplaceSourceAndChain(element, disk.Source, insertAfter: driver);
        var target = element.Element("target");
        if (target is null)
        {
            target = new XElement("target");
            element.Add(target);
        }

        SetAttr(target, "dev", disk.Target);
        SetAttr(target, "bus", disk.Bus);
        if (disk.ReadOnly && element.Element("readonly") is null)
        {
            element.Add(new XElement("readonly"));
        }
        else if (!disk.ReadOnly)
        {
            element.Element("readonly")?.Remove();
        }

        return element;
    }

    private static void CheckSourceType(XElement at, string type)
    {
        if (!SourceTypes.Contains(type))
        {
            throw Error(at, $"Unknown storage source type '{type}'");
        }
    }

    /// <summary>Reads the source of 'owner' (a disk or backingStore) and the chain below it.</summary>
    private static StorageSource ParseSource(XElement owner, string type, string? format, int? index)
    {
        var source = owner.Element("source");
        var backing = owner.Element("backingStore");
        StorageSource? below = null;
        var closed = false;
        if (backing is not null)
        {
            if (!backing.HasAttributes && !backing.HasElements)
            {
                closed = true;
            }
            else
            {
                var backingType = Attr(backing, "type") ?? throw Error(backing, "A <backingStore> needs a type attribute");
                CheckSourceType(backing, backingType);
                var backingFormat = Attr(backing.Element("format"), "type");
                if (backing.Element("source") is null)
                {
                    throw Error(backing, "A <backingStore> needs a <source> element");
                }

                below = ParseSource(backing, backingType, backingFormat, IntAttr(backing, "index"));
            }
        }

        var hosts = source?.Elements("host").Select(ParseHost).ToList() ?? new List<NetworkHost>();
        return new StorageSource
        {
            Type = type,
            Format = format,
            Path = type switch
            {
                "file" => Attr(source, "file"),
                "block" => Attr(source, "dev"),
                "dir" => Attr(source, "dir"),
                "vhostuser" => Attr(source, "path"),
                _ => null,
            },
            Protocol = type == "network" ? Attr(source, "protocol") : null,
            NetworkName = type == "network" ? Attr(source, "name") : null,
            Hosts = hosts,
            Pool = type == "volume" ? Attr(source, "pool") : null,
            Volume = type == "volume" ? Attr(source, "volume") : null,
            Index = index,
            BackingStore = below,
            ChainClosed = closed,
            SourceElement = source is null ? null : new XElement(source),
            ExtraElements = owner.Name.LocalName == "backingStore"
                ? owner.Elements().Where(e => e.Name.LocalName is not ("format" or "source" or "backingStore")).Select(e => new XElement(e)).ToList()
                : Array.Empty<XElement>(),
        };
    }

    private static NetworkHost ParseHost(XElement host)
    {
        var port = IntAttr(host, "port");
        if (port is < 0 or > 65535)
        {
            throw Error(host, $"Port {port} is out of range");
        }

        return new NetworkHost(Attr(host, "name"), port, Attr(host, "transport"), Attr(host, "socket"));
    }

    private static void ReplaceSourceAndChain(XElement owner, StorageSource source, XElement? insertAfter)
    {
        var oldSource = owner.Element("source");
        var oldBacking = owner.Element("backingStore");
        var anchor = oldSource ?? oldBacking;
        var newSource = FormatSource(source);
        var newBacking = FormatBacking(source);
        var replacements = new List<XElement>();
        if (newSource is not null)
        {
            replacements.Add(newSource);
        }

        if (newBacking is not null)
        {
            replacements.Add(newBacking);
        }

        if (anchor is not null)
        {
            anchor.AddBeforeSelf(replacements);
        }
        else if (insertAfter is not null)
        {
            insertAfter.AddAfterSelf(replacements);
        }
        else
        {
            owner.AddFirst(replacements);
        }

        oldSource?.Remove();
        oldBacking?.Remove();
    }

    private static XElement? FormatSource(StorageSource source)
    {
        if (source.SourceElement is null && source.Path is null && source.Protocol is null && source.Pool is null)
        {
            return null;
        }

        var element = source.SourceElement is null ? new XElement("source") : new XElement(source.SourceElement);
        switch (source.Type)
        {
            case "file": SetAttr(element, "file", source.Path); break;
            case "block": SetAttr(element, "dev", source.Path); break;
            case "dir": SetAttr(element, "dir", source.Path); break;
            case "vhostuser": SetAttr(element, "path", source.Path); break;
            case "network":
                SetAttr(element, "protocol", source.Protocol);
                SetAttr(element, "name", source.NetworkName);
                element.Elements("host").Remove();
                var hosts = source.Hosts.Select(FormatHost).ToList();
                if (element.FirstNode is null)
                {
                    element.Add(hosts);
                }
                else
                {
                    element.AddFirst(hosts);
                }

                break;
            case "volume":
                SetAttr(element, "pool", source.Pool);
                SetAttr(element, "volume", source.Volume);
                break;
        }

        return element;
    }

    private static XElement FormatHost(NetworkHost host)
    {
        var element = new XElement("host");
        SetAttr(element, "transport", host.Transport);
        SetAttr(element, "name", host.Name);
        SetAttr(element, "port", host.Port?.ToString(CultureInfo.InvariantCulture));
        SetAttr(element, "socket", host.Socket);
        return element;
    }

    /// <summary>The backingStore element that follows a source: the next layer, the closing empty element, or none.</summary>
    private static XElement? FormatBacking(StorageSource source)
    {
        if (source.BackingStore is { } below)
        {
            var element = new XElement("backingStore");
            SetAttr(element, "type", below.Type);
            SetAttr(element, "index", below.Index?.ToString(CultureInfo.InvariantCulture));
            if (below.Format is not null)
            {
                element.Add(new XElement("format", new XAttribute("type", below.Format)));
            }

            var belowSource = FormatSource(below);
            if (belowSource is not null)
            {
                element.Add(belowSource);
            }

            element.Add(below.ExtraElements.Select(e => new XElement(e)));
            var next = FormatBacking(below);
            if (next is not null)
            {
                element.Add(next);
            }

            return element;
        }

        return source.ChainClosed ? new XElement("backingStore") : null;
    }
}
