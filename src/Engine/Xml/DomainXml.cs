using System.Globalization;
using System.Xml.Linq;
using static LibVirtPS.Engine.Xml.XmlSupport;

namespace LibVirtPS.Engine.Xml;

/// <summary>
/// Parse and format of a domain definition. Parsing checks what libvirt checks before it accepts a definition
/// (root element, type, name, memory); formatting writes the modelled values back into the document as read.
/// </summary>
public static class DomainXml
{
    public static DomainDefinition Parse(string xml)
    {
        var document = Load(xml);
        var root = document.Root!;
        if (root.Name.LocalName != "domain")
        {
            throw Error(root, $"Expected a <domain> root element, found <{root.Name.LocalName}>");
        }

        return Parse(root);
    }

    public static DomainDefinition Parse(XElement root)
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

        var disks = root.Element("devices")?.Elements("disk").Select(DiskXml.Parse).ToList() ?? new List<DiskDefinition>();
        var duplicate = disks.GroupBy(d => d.Target).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Error(duplicate.Last().Element ?? root, $"Two disks use the target '{duplicate.Key}'");
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
            Element = new XElement(root),
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

        var devices = root.Element("devices");
        if (devices is not null)
        {
            var oldDisks = devices.Elements("disk").ToList();
            var anchor = oldDisks.FirstOrDefault();
            var formatted = domain.Disks.Select(DiskXml.Format).ToList();
            if (anchor is not null)
            {
                anchor.AddBeforeSelf(formatted);
            }
            else
            {
                devices.AddFirst(formatted);
            }

            oldDisks.ForEach(d => d.Remove());
        }

        return root.ToString(SaveOptions.DisableFormatting);
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
