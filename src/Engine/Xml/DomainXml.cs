using System.Globalization;
using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using static LibVirtPS.Engine.Xml.XmlSupport;

namespace LibVirtPS.Engine.Xml;

/// <summary>
/// Parse and format of a domain definition. Parsing checks what libvirt checks before it accepts a definition
/// (root element, type, name, memory); formatting writes the modelled values back into the document as read.
/// </summary>
public static class DomainXml
{
    /// <summary>
    /// Parses a definition. Documents are loaded without line numbers; one that is rejected is loaded again with
    /// them, so that the error names its line.
    /// </summary>
    public static DomainDefinition Parse(string xml)
    {
        try
        {
            return ParseDocument(Load(xml, lineInfo: false));
        }
        catch (InvalidXmlException ex) when (ex.Line is null)
        {
            return ParseDocument(Load(xml, lineInfo: true));
        }
    }

    private static DomainDefinition ParseDocument(XDocument document)
    {
        var root = document.Root!;
        if (root.Name.LocalName != "domain")
        {
            throw Error(root, $"Expected a <domain> root element, found <{root.Name.LocalName}>");
        }

        // The document was loaded here and nobody else holds it: keep it rather than copy it.
        return Parse(root, owned: true);
    }

    public static DomainDefinition Parse(XElement root) => Parse(root, owned: false);

    private static DomainDefinition Parse(XElement root, bool owned)
    {
        var type = Attr(root, "type");
        if (string.IsNullOrWhiteSpace(type))
        {
            throw Error(root, "A domain needs a type attribute (kvm, qemu, test, ...)");
        }

        var nameElement = root.Element("name") ?? throw Error(root, "A domain needs a <name> element");
        var name = nameElement.Value.Trim();
        if (name.Length == 0 || name.Contains('/'))
        {
            throw Error(nameElement, $"Domain name '{name}' is empty or contains '/'");
        }

        Guid? uuid = null;
        if (root.Element("uuid") is { } uuidElement)
        {
            uuid = Guid.TryParse(uuidElement.Value.Trim(), out var parsed)
                ? parsed
                : throw Error(uuidElement, $"'{uuidElement.Value.Trim()}' is not a valid UUID");
        }

        var memoryElement = root.Element("memory") ?? throw Error(root, "A domain needs a <memory> element");
        var maxMemory = MemoryUnits.ParseElement(memoryElement);
        var currentMemory = root.Element("currentMemory") is { } current ? MemoryUnits.ParseElement(current) : maxMemory;
        if (currentMemory > maxMemory)
        {
            currentMemory = maxMemory;
        }

        var vcpus = 1;
        if (root.Element("vcpu") is { } vcpuElement)
        {
            if (!int.TryParse(vcpuElement.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out vcpus) || vcpus < 1)
            {
                throw Error(vcpuElement, $"vCPU count '{vcpuElement.Value.Trim()}' must be a positive integer");
            }
        }

        var disks = new List<DiskDefinition>();
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var diskElement in root.Element("devices")?.Elements("disk") ?? Enumerable.Empty<XElement>())
        {
            var disk = DiskXml.Parse(diskElement, owned);
            if (!targets.Add(disk.Target!))
            {
                throw Error(diskElement, $"Two disks use the target '{disk.Target}'");
            }

            disks.Add(disk);
        }

        return new DomainDefinition
        {
            Type = type,
            Name = name,
            Uuid = uuid,
            MaxMemoryBytes = maxMemory,
            MemoryBytes = currentMemory,
            VirtualCpus = vcpus,
            Disks = disks,
            Element = owned ? root : new XElement(root),
        };
    }

    /// <summary>The definition as XML text: the document as read, with the modelled values written back.</summary>
    public static string Format(DomainDefinition domain)
    {
        var root = new XElement(domain.Element);
        SetAttr(root, "type", domain.Type);
        SetChildValue(root, "name", domain.Name, after: null);
        if (domain.Uuid is Guid uuid)
        {
            SetChildValue(root, "uuid", uuid.ToString("D"), after: "name");
        }

        FormatMemory(root, domain);
        FormatDisks(root, domain.Disks);
        return root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Rewrites memory, currentMemory and vcpu only where the model no longer matches the document.</summary>
    private static void FormatMemory(XElement root, DomainDefinition domain)
    {
        var memory = root.Element("memory");
        if (memory is null)
        {
            memory = new XElement("memory");
            (root.Element("uuid") ?? root.Element("name"))!.AddAfterSelf(memory);
            MemoryUnits.WriteElement(memory, domain.MaxMemoryBytes);
        }
        else if (MemoryUnits.ParseElement(memory) != domain.MaxMemoryBytes)
        {
            MemoryUnits.WriteElement(memory, domain.MaxMemoryBytes);
        }

        var current = root.Element("currentMemory");
        if (current is null && domain.MemoryBytes != domain.MaxMemoryBytes)
        {
            current = new XElement("currentMemory");
            memory.AddAfterSelf(current);
            MemoryUnits.WriteElement(current, domain.MemoryBytes);
        }
        else if (current is not null && Math.Min(MemoryUnits.ParseElement(current), domain.MaxMemoryBytes) != domain.MemoryBytes)
        {
            MemoryUnits.WriteElement(current, domain.MemoryBytes);
        }

        var vcpu = root.Element("vcpu");
        var vcpuText = domain.VirtualCpus.ToString(CultureInfo.InvariantCulture);
        if (vcpu is null && domain.VirtualCpus != 1)
        {
            (current ?? memory).AddAfterSelf(new XElement("vcpu", vcpuText));
        }
        else if (vcpu is not null && vcpu.Value.Trim() != vcpuText)
        {
            vcpu.Value = vcpuText;
        }
    }

    /// <summary>Puts each formatted disk where the disk of the same position was; extra disks follow the last one.</summary>
    private static void FormatDisks(XElement root, IReadOnlyList<DiskDefinition> disks)
    {
        var devices = root.Element("devices");
        if (devices is null)
        {
            if (disks.Count == 0)
            {
                return;
            }

            devices = new XElement("devices");
            root.Add(devices);
        }

        var old = devices.Elements("disk").ToList();
        XElement? last = null;
        for (var i = 0; i < disks.Count; i++)
        {
            var formatted = DiskXml.Format(disks[i]);
            if (i < old.Count)
            {
                old[i].ReplaceWith(formatted);
            }
            else if (last is not null)
            {
                last.AddAfterSelf(formatted);
            }
            else
            {
                devices.AddFirst(formatted);
            }

            last = formatted;
        }

        old.Skip(disks.Count).ToList().ForEach(d => d.Remove());
    }

    private static void SetChildValue(XElement root, string name, string value, string? after)
    {
        var child = root.Element(name);
        if (child is not null)
        {
            child.Value = value;
            return;
        }

        var anchor = after is null ? null : root.Element(after);
        if (anchor is not null)
        {
            anchor.AddAfterSelf(new XElement(name, value));
        }
        else
        {
            root.AddFirst(new XElement(name, value));
        }
    }
}
