using System.Xml;
using System.Xml.Linq;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Engine.Xml;

/// <summary>Loading XML with line information, and the small helpers the parsers share.</summary>
internal static class XmlSupport
{
    // Shared: a reader clones the settings it is given, so one instance serves every thread.
    private static readonly XmlReaderSettings ReaderSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>
    /// Loads a document, keeping whitespace. Line numbers cost a third of the load (an annotation on every node), so
    /// they are kept only when asked for, to report where a rejected document is wrong.
    /// </summary>
    public static XDocument Load(string xml, bool lineInfo = true)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            throw new InvalidXmlException("The XML document is empty");
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
            return XDocument.Load(reader, lineInfo ? LoadOptions.SetLineInfo | LoadOptions.PreserveWhitespace : LoadOptions.PreserveWhitespace);
        }
        catch (XmlException ex)
        {
            throw new InvalidXmlException($"Malformed XML: {ex.Message}", ex.LineNumber, null, ex);
        }
    }

    public static int? Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    public static InvalidXmlException Error(XElement at, string message) => new(message, Line(at), at.Name.LocalName);

    public static string? Attr(XElement? element, string name) => element?.Attribute(name)?.Value;

    public static int? IntAttr(XElement element, string name)
    {
        var text = Attr(element, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(element, $"Attribute '{name}' must be an integer, not '{text}'");
    }

    /// <summary>Sets or removes (null) an attribute, keeping the attribute order of the original.</summary>
    public static void SetAttr(XElement element, string name, string? value) => element.SetAttributeValue(name, value);
}
