using System.Globalization;
using System.Xml.Linq;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>The domain XML a test host hands out: the stored definition with the few things libvirt adds.</summary>
internal static class DomainXmlText
{
    /// <summary>The definition with this UUID written into it (after the name, where libvirt puts it).</summary>
    public static DomainDefinition WithUuid(DomainDefinition definition, Guid uuid)
    {
        return definition.Uuid == uuid
            ? definition
            : definition with { Uuid = uuid, Element = NodeXml.WithUuid(definition.Element, uuid) };
    }

    /// <summary>
    /// The definition as text, with id='N' right after the type while the domain runs. Without the secure flag,
    /// graphics passwords are left out, as libvirt does.
    /// </summary>
    public static string Format(DomainDefinition definition, int? id, bool secure)
    {
        var root = new XElement(definition.Element);
        var attributes = new List<XAttribute>();
        if (root.Attribute("type") is { } type)
        {
            attributes.Add(new XAttribute(type));
        }

        if (id is int value)
        {
            attributes.Add(new XAttribute("id", value.ToString(CultureInfo.InvariantCulture)));
        }

        attributes.AddRange(root.Attributes().Where(a => a.Name != "type" && a.Name != "id").Select(a => new XAttribute(a)));
        root.ReplaceAttributes(attributes);
        if (!secure)
        {
            foreach (var graphics in root.Element("devices")?.Elements("graphics") ?? Enumerable.Empty<XElement>())
            {
                graphics.Attribute("passwd")?.Remove();
            }
        }

        return XmlText.Format(root);
    }
}
