using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>Loading and reading of node files and the elements they hold, with line numbers in every error.</summary>
internal static class NodeXml
{
    /// <summary>Loads a document, keeping line numbers; 'source' names the document in error messages.</summary>
    public static XDocument Load(string xml, string source)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new InvalidXmlException($"In {source}: malformed XML: {ex.Message}", ex.LineNumber, null, ex);
        }
    }

    /// <summary>Runs a parse step and puts the name of the document in front of any XML error it reports.</summary>
    public static T Within<T>(string source, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidXmlException ex)
        {
            throw new InvalidXmlException($"In {source}: {Detail(ex)}", ex.Line, ex.Element, ex);
        }
    }

    public static InvalidXmlException Error(XElement at, string message) => new(message, Line(at), at.Name.LocalName);

    /// <summary>An error that names the document too, for checks made outside <see cref="Within{T}"/>.</summary>
    public static InvalidXmlException ErrorIn(string source, XElement at, string message) =>
        new($"In {source}: {message}", Line(at), at.Name.LocalName);

    public static int? Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    /// <summary>The trimmed text of the required name child.</summary>
    public static string Name(XElement owner)
    {
        var element = owner.Element("name") ?? throw Error(owner, $"A <{owner.Name.LocalName}> needs a <name> element");
        var name = element.Value.Trim();
        return name.Length == 0 || name.Contains('/')
            ? throw Error(element, $"The name '{name}' is empty or contains '/'")
            : name;
    }

    /// <summary>The UUID child, or null when there is none.</summary>
    public static Guid? Uuid(XElement owner)
    {
        var element = owner.Element("uuid");
        if (element is null)
        {
            return null;
        }

        return Guid.TryParse(element.Value.Trim(), out var uuid)
            ? uuid
            : throw Error(element, $"'{element.Value.Trim()}' is not a valid UUID");
    }

    /// <summary>A copy of the element with this UUID written after its name (where libvirt writes it).</summary>
    public static XElement WithUuid(XElement owner, Guid uuid)
    {
        var copy = new XElement(owner);
        if (copy.Element("uuid") is { } existing)
        {
            existing.Value = uuid.ToString("D");
        }
        else if (copy.Element("name") is { } name)
        {
            name.AddAfterSelf(new XElement("uuid", uuid.ToString("D")));
        }
        else
        {
            copy.AddFirst(new XElement("uuid", uuid.ToString("D")));
        }

        return copy;
    }

    /// <summary>A positive integer child, or null when the child is absent.</summary>
    public static int? PositiveInt(XElement? owner, string name)
    {
        var element = owner?.Element(name);
        if (element is null)
        {
            return null;
        }

        var text = element.Value.Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw Error(element, $"<{name}> must be a positive integer, not '{text}'");
    }

    /// <summary>A storage size: bytes when the element has no unit (libvirt's rule for pools and volumes).</summary>
    public static long? Bytes(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        if (element.Attribute("unit") is not null)
        {
            return MemoryUnits.ParseElement(element);
        }

        var text = element.Value.Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(element, $"'{text}' is not a valid size in bytes");
    }

    /// <summary>InvalidXmlException appends the line and element to its message; this is the message before that.</summary>
    private static string Detail(InvalidXmlException ex)
    {
        var where = (ex.Line, ex.Element) switch
        {
            (int l, string e) => $" (line {l}, element <{e}>)",
            (int l, null) => $" (line {l})",
            (null, string e) => $" (element <{e}>)",
            _ => "",
        };
        return where.Length > 0 && ex.Message.EndsWith(where, StringComparison.Ordinal) ? ex.Message[..^where.Length] : ex.Message;
    }
}
