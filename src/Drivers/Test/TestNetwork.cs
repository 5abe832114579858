using System.Xml.Linq;

namespace LibVirtPS.Drivers.Test;

/// <summary>A virtual network of a test host, with its definition as read (plus a UUID when it had none).</summary>
internal sealed record TestNetwork(
    string Name,
    Guid Uuid,
    string? Bridge,
    string? ForwardMode,
    bool Active,
    bool Persistent,
    bool Autostart,
    XElement Element)
{
    public string Xml => XmlText.Format(Element);

    /// <summary>A network read from a node file; like libvirt, it starts active and persistent.</summary>
    public static TestNetwork Parse(XElement element)
    {
        var name = NodeXml.Name(element);
        var uuid = NodeXml.Uuid(element) ?? Guid.NewGuid();
        var forward = element.Element("forward");
        return new TestNetwork(
            name,
            uuid,
            element.Element("bridge")?.Attribute("name")?.Value,
            forward is null ? null : forward.Attribute("mode")?.Value ?? "nat",
            Active: true,
            Persistent: true,
            Autostart: false,
            NodeXml.WithUuid(element, uuid));
    }
}
