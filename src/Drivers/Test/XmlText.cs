using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace LibVirtPS.Drivers.Test;

/// <summary>Writes XML the way libvirt does: single-quoted attributes and two-space indentation.</summary>
internal static class XmlText
{
    public static string Format(XElement element)
    {
        var copy = new XElement(element);
        RemoveLayoutWhitespace(copy);
        var text = new StringBuilder();
        using (var writer = new XmlTextWriter(new StringWriter(text)) { Formatting = Formatting.Indented, Indentation = 2, QuoteChar = '\'' })
        {
            copy.WriteTo(writer);
        }

        text.Append('\n');

        // The writer puts a space before "/>", libvirt does not. Escaping keeps "/>" out of text and attributes,
        // so only comments, CDATA and processing instructions could hold it: leave those documents as written.
        var verbatim = copy.DescendantNodes().Any(n => n is XComment or XCData or XProcessingInstruction);
        return verbatim ? text.ToString() : text.Replace(" />", "/>").ToString();
    }

    /// <summary>
    /// Whitespace between elements is only the layout of whoever wrote the document; dropping it lets the writer
    /// indent the whole document evenly. Text inside leaf elements is content and stays.
    /// </summary>
    private static void RemoveLayoutWhitespace(XElement root)
    {
        var layout = root.DescendantNodesAndSelf()
            .OfType<XText>()
            .Where(t => t is not XCData && string.IsNullOrWhiteSpace(t.Value) && t.Parent is { HasElements: true })
            .ToList();
        layout.ForEach(t => t.Remove());
    }
}
