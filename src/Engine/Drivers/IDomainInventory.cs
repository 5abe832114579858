using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Drivers;

/// <summary>
/// Optional driver capability: every domain's facts together with its XML, in far fewer round trips than a list
/// followed by one XML call per domain. Callers test for it and otherwise fall back to the plain driver table.
/// </summary>
public interface IDomainInventory
{
    /// <summary>
    /// The domains whose name <paramref name="include"/> accepts (all when null), each with its XML as
    /// <paramref name="flags"/> asks for it, streamed in list order. A domain that disappears meanwhile is left out.
    /// </summary>
    IAsyncEnumerable<DomainInventoryItem> ListDomainsWithXmlAsync(DomainXmlFlags flags, Func<string, bool>? include,
        CancellationToken cancellationToken);
}

/// <summary>
/// One domain of an inventory: its facts, its XML, and the XML parsed by <see cref="DomainXml"/> (null when the
/// engine's parser rejects that XML, so that the caller can report the parse error for this domain alone).
/// </summary>
public sealed record DomainInventoryItem(DomainInfo Info, string Xml, DomainDefinition? Definition)
{
    /// <summary>Parses once: the item's XML with the engine's parser, or null when it rejects it.</summary>
    public static DomainDefinition? TryParse(string xml)
    {
        try
        {
            return DomainXml.Parse(xml);
        }
        catch (Errors.InvalidXmlException)
        {
            return null;
        }
    }

    /// <summary>
    /// The vCPU count libvirt reports for a domain: the vcpu element's current attribute when present, else its value.
    /// </summary>
    public static int CurrentVirtualCpus(DomainDefinition definition) =>
        definition.Element.Element("vcpu")?.Attribute("current") is { } current
        && int.TryParse(current.Value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
        && count > 0
            ? count
            : definition.VirtualCpus;
}
