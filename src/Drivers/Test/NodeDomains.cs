using System.Globalization;
using System.Xml.Linq;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>
/// Reads a domain of a node file. libvirt's test-driver namespace may set the state it starts in
/// (&lt;test:runstate&gt;, a virDomainState number) and make it transient (&lt;test:transient/&gt;); these are
/// instructions to the loader, so they are taken out of the stored definition.
/// </summary>
internal static class NodeDomains
{
    public static readonly XNamespace TestNamespace = "http://libvirt.org/schemas/domain/test/1.0";

    public static NodeDomain Parse(XElement element)
    {
        var directives = Directives(element).ToList();
        var state = DomainState.Running;
        if (directives.LastOrDefault(d => d.Name.LocalName == "runstate") is { } runstate)
        {
            var text = runstate.Value.Trim();
            state = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && Enum.IsDefined((DomainState)number)
                ? (DomainState)number
                : throw NodeXml.Error(runstate, $"'{text}' is not a domain state number (0 to 7)");
        }

        var transient = directives.FirstOrDefault(d => d.Name.LocalName == "transient");
        if (transient is not null && state == DomainState.ShutOff)
        {
            throw NodeXml.Error(transient, "A transient domain cannot start shut off: it would not exist");
        }

        var definition = DomainXml.Parse(WithoutDirectives(element, directives));
        definition = DomainXmlText.WithUuid(definition, definition.Uuid ?? Guid.NewGuid());
        return new NodeDomain(definition, state, Persistent: transient is null);
    }

    /// <summary>The runstate and transient elements, directly under the domain (libvirt's place) or in its metadata.</summary>
    private static IEnumerable<XElement> Directives(XElement domain) =>
        domain.Elements()
            .Concat(domain.Element("metadata")?.Elements() ?? Enumerable.Empty<XElement>())
            .Where(e => e.Name == TestNamespace + "runstate" || e.Name == TestNamespace + "transient");

    /// <summary>
    /// The domain without the loader's instructions; the namespace declaration goes too when nothing else uses it.
    /// The line numbers of the original stay, so that definition errors still point into the file.
    /// </summary>
    private static XElement WithoutDirectives(XElement domain, IReadOnlyList<XElement> directives)
    {
        if (directives.Count == 0)
        {
            return domain;
        }

        foreach (var directive in directives)
        {
            var parent = directive.Parent!;
            directive.Remove();
            if (parent.Name == "metadata" && !parent.HasElements && string.IsNullOrWhiteSpace(parent.Value))
            {
                parent.Remove();
            }
        }

        if (!domain.Descendants().Any(e => e.Name.Namespace == TestNamespace || e.Attributes().Any(a => a.Name.Namespace == TestNamespace)))
        {
            domain.Attributes().Where(a => a.IsNamespaceDeclaration && a.Value == TestNamespace.NamespaceName).Remove();
        }

        return domain;
    }
}
