using System.Xml;
using System.Xml.Linq;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Engine.Xml;

/// <summary>Loading XML with line information, and the small helpers the parsers share.</summary>
internal static class XmlSupport
{
    public static XDocument Load(string xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            throw new InvalidXmlException("The XML document is empty");
        }

        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo | LoadOptions.PreserveWhitespace);
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
