using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Services;

/// <summary>
/// A domain of an inventory with its XML; <see cref="Definition"/> is the parsed XML, or null when the engine's
/// parser rejects it (<see cref="Parse"/> then throws the parse error for this domain).
/// </summary>
public sealed record DomainWithXml(VirtDomain Domain, string Xml, DomainDefinition? Definition)
{
    /// <summary>The parsed definition, parsing only when the inventory could not.</summary>
    public DomainDefinition Parse() => Definition ?? DomainXml.Parse(Xml);
}
