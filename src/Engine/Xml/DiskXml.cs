using System.Globalization;
using System.Xml.Linq;
using static LibVirtPS.Engine.Xml.XmlSupport;

namespace LibVirtPS.Engine.Xml;

/// <summary>
/// Parse and format of a domain's disk element with its nested backingStore chain. Format starts from the elements
/// as read and rewrites only what the model changed, so what is not modelled survives a round trip untouched and
/// in place.
/// </summary>
public static class DiskXml
{
    /// <summary>Storage source types libvirt accepts on disk and backingStore elements.</summary>
    public static readonly IReadOnlySet<string> SourceTypes = new HashSet<string>(XmlEnums.StorageTypes.Names, StringComparer.Ordinal);

    /// <summary>The source attribute that holds the path, per storage type.</summary>
    private static readonly IReadOnlyDictionary<string, string> PathAttributes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["file"] = "file",
        ["block"] = "dev",
        ["dir"] = "dir",
        ["vhostuser"] = "path",
        ["vhostvdpa"] = "dev",
    };

    public static DiskDefinition Parse(XElement disk) => Parse(disk, owned: false);

    /// <summary>
    /// Parses a disk element. The definition keeps the elements it was read from, for formatting back: copies of
    /// them, unless <paramref name="owned"/> says the document was loaded for this parse alone and nobody else holds
    /// it (formatting copies before it changes anything, so sharing those elements is safe).
    /// </summary>
    internal static DiskDefinition Parse(XElement disk, bool owned)
    {
        if (disk.Name.LocalName != "disk")
        {
            throw Error(disk, $"Expected a <disk> element, found <{disk.Name.LocalName}>");
        }

        var type = Attr(disk, "type") ?? "file";
        CheckSourceType(disk, type);
        var device = Attr(disk, "device") ?? "disk";
        if (!XmlEnums.DiskDevices.IsDefined(device))
        {
            throw Error(disk, $"Unknown disk device '{device}' (expected {string.Join(", ", XmlEnums.DiskDevices.Names)})");
        }

        var driver = disk.Element("driver");
        var target = disk.Element("target");
        var targetDev = Attr(target, "dev");
        if (string.IsNullOrEmpty(targetDev))
        {
            throw Error(target ?? disk, "A disk needs a <target dev='...'/>");
        }

        return new DiskDefinition
        {
            Device = device,
            Target = targetDev,
            Bus = Attr(target, "bus"),
            ReadOnly = disk.Element("readonly") is not null,
            DriverName = Attr(driver, "name"),
            Source = ParseSource(disk, type, Attr(driver, "type"), index: null, owned),
            Element = owned ? disk : new XElement(disk),
        };
    }

    public static XElement Format(DiskDefinition disk)
    {
        var element = disk.Element is null ? new XElement("disk") : new XElement(disk.Element);
        SetUnlessDefault(element, "type", disk.Source.Type, "file");
        SetUnlessDefault(element, "device", disk.Device, "disk");
        var driver = element.Element("driver");
        if (driver is null && (disk.Source.Format is not null || disk.DriverName is not null))
        {
            driver = new XElement("driver");
            element.AddFirst(driver);
        }

        if (driver is not null)
        {
            SetAttr(driver, "name", disk.DriverName);
            SetAttr(driver, "type", disk.Source.Format);
        }

        FormatSourceAndChain(element, disk.Source, after: driver);
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
        if (!XmlEnums.StorageTypes.IsDefined(type))
        {
            throw Error(at, $"Unknown storage source type '{type}' (expected {string.Join(", ", XmlEnums.StorageTypes.Names)})");
        }
    }

    /// <summary>Reads the source of 'owner' (a disk or backingStore) and the chain below it.</summary>
    private static StorageSource ParseSource(XElement owner, string type, string? format, int? index, bool owned)
    {
        XElement Keep(XElement element) => owned ? element : new XElement(element);

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
                if (backing.Element("source") is null)
                {
                    throw Error(backing, "A <backingStore> needs a <source> element");
                }

                below = ParseSource(backing, backingType, Attr(backing.Element("format"), "type"), IntAttr(backing, "index"), owned);
            }
        }

        var network = type == "network";
        var protocol = network ? Attr(source, "protocol") : null;
        if (network && source is not null && !XmlEnums.NetworkProtocols.IsDefined(protocol))
        {
            throw Error(source, $"Unknown network protocol '{protocol}' (expected {string.Join(", ", XmlEnums.NetworkProtocols.Names)})");
        }

        var isBacking = owner.Name.LocalName == "backingStore";
        return new StorageSource
        {
            Type = type,
            Format = format,
            Path = PathAttributes.TryGetValue(type, out var pathAttribute) ? Attr(source, pathAttribute) : null,
            Protocol = protocol,
            NetworkName = network ? Attr(source, "name") : null,
            Hosts = source?.Elements("host").Select(ParseHost).ToList() ?? new List<NetworkHost>(),
            Pool = type == "volume" ? Attr(source, "pool") : null,
            Volume = type == "volume" ? Attr(source, "volume") : null,
            Index = index,
            BackingStore = below,
            ChainClosed = closed,
            SourceElement = source is null ? null : Keep(source),
            ExtraElements = isBacking
                ? owner.Elements().Where(e => e.Name.LocalName is not ("format" or "source" or "backingStore")).Select(Keep).ToList()
                : Array.Empty<XElement>(),
            BackingElement = isBacking ? Keep(owner) : null,
        };
    }

    private static NetworkHost ParseHost(XElement host)
    {
        var transport = Attr(host, "transport");
        if (transport is not null && !XmlEnums.HostTransports.IsDefined(transport))
        {
            throw Error(host, $"Unknown host transport '{transport}' (expected {string.Join(", ", XmlEnums.HostTransports.Names)})");
        }

        var port = IntAttr(host, "port");
        if (port is < 0 or > 65535)
        {
            throw Error(host, $"Port {port} is out of range (0-65535)");
        }

        var socket = Attr(host, "socket");
        var name = Attr(host, "name");
        if (transport == "unix" ? socket is null : name is null)
        {
            throw Error(host, transport == "unix" ? "A unix <host> needs a socket attribute" : "A <host> needs a name attribute");
        }

        return new NetworkHost(name, port, transport, socket);
    }

    /// <summary>Writes the source and the backingStore chain of 'owner' where they were, or after 'after'.</summary>
    private static void FormatSourceAndChain(XElement owner, StorageSource source, XElement? after)
    {
        var newSource = FormatSource(source);
        var sourceElement = Place(owner, owner.Element("source"), newSource, after);
        Place(owner, owner.Element("backingStore"), FormatBacking(source), sourceElement ?? after);
    }

    /// <summary>Replaces 'old' by 'replacement' in place, or inserts the replacement after 'after'.</summary>
    private static XElement? Place(XElement owner, XElement? old, XElement? replacement, XElement? after)
    {
        if (old is not null)
        {
            if (replacement is null)
            {
                old.Remove();
            }
            else
            {
                old.ReplaceWith(replacement);
            }
        }
        else if (replacement is not null)
        {
            if (after is not null)
            {
                after.AddAfterSelf(replacement);
            }
            else
            {
                owner.AddFirst(replacement);
            }
        }

        return replacement;
    }

    private static XElement? FormatSource(StorageSource source)
    {
        if (source.SourceElement is null && source.Path is null && source.Protocol is null && source.Pool is null
            && source.Volume is null && source.Hosts.Count == 0)
        {
            return null;
        }

        var element = source.SourceElement is null ? new XElement("source") : new XElement(source.SourceElement);
        // A path-typed source keeps only its own path attribute, so a changed type leaves no stale path behind.
        var own = PathAttributes.GetValueOrDefault(source.Type);
        foreach (var attribute in PathAttributes.Values.Distinct())
        {
            if (attribute == own)
            {
                SetAttr(element, attribute, source.Path);
            }
            else if (own is not null)
            {
                element.Attribute(attribute)?.Remove();
            }
        }

        switch (source.Type)
        {
            case "network":
                SetAttr(element, "protocol", source.Protocol);
                SetAttr(element, "name", source.NetworkName);
                FormatHosts(element, source.Hosts);
                break;
            case "volume":
                SetAttr(element, "pool", source.Pool);
                SetAttr(element, "volume", source.Volume);
                break;
        }

        return element;
    }

    /// <summary>Keeps each host element that still says what the model says; rewrites, adds or drops the rest.</summary>
    private static void FormatHosts(XElement source, IReadOnlyList<NetworkHost> hosts)
    {
        var existing = source.Elements("host").ToList();
        for (var i = 0; i < hosts.Count; i++)
        {
            if (i < existing.Count)
            {
                if (!Equals(ParseHost(existing[i]), hosts[i]))
                {
                    WriteHost(existing[i], hosts[i]);
                }
            }
            else
            {
                var added = WriteHost(new XElement("host"), hosts[i]);
                var last = source.Elements("host").LastOrDefault();
                if (last is not null)
                {
                    last.AddAfterSelf(added);
                }
                else
                {
                    source.AddFirst(added);
                }
            }
        }

        existing.Skip(hosts.Count).ToList().ForEach(h => h.Remove());
    }

    private static XElement WriteHost(XElement element, NetworkHost host)
    {
        SetAttr(element, "transport", host.Transport);
        SetAttr(element, "name", host.Name);
        SetAttr(element, "port", host.Port?.ToString(CultureInfo.InvariantCulture));
        SetAttr(element, "socket", host.Socket);
        return element;
    }

    /// <summary>The backingStore element that follows a source: the next layer, the closing empty element, or none.</summary>
    private static XElement? FormatBacking(StorageSource source)
    {
        if (source.BackingStore is not { } below)
        {
            return source.ChainClosed ? new XElement("backingStore") : null;
        }

        var element = below.BackingElement is null ? new XElement("backingStore") : new XElement(below.BackingElement);
        SetAttr(element, "type", below.Type);
        SetAttr(element, "index", below.Index?.ToString(CultureInfo.InvariantCulture));
        var format = element.Element("format");
        if (below.Format is null)
        {
            format?.Remove();
        }
        else if (format is null)
        {
            format = new XElement("format", new XAttribute("type", below.Format));
            element.AddFirst(format);
        }
        else
        {
            SetAttr(format, "type", below.Format);
        }

        if (below.BackingElement is null)
        {
            element.Add(below.ExtraElements.Select(e => new XElement(e)));
        }

        FormatSourceAndChain(element, below, after: format);
        return element;
    }

    /// <summary>Writes an attribute unless it is absent and the value is libvirt's default for it.</summary>
    private static void SetUnlessDefault(XElement element, string name, string value, string defaultValue)
    {
        if (element.Attribute(name) is not null || value != defaultValue)
        {
            SetAttr(element, name, value);
        }
    }
}
