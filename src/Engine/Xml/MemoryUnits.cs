using System.Globalization;
using System.Xml.Linq;

namespace LibVirtPS.Engine.Xml;

/// <summary>
/// libvirt's scaled integers: b/byte/bytes; a prefix letter alone or with "iB" is a power of 1024, with "B" a power of
/// 1000 (case-insensitive). A memory element without a unit is in KiB.
/// </summary>
public static class MemoryUnits
{
    private const string Prefixes = "kmgtpe";

    public static long ParseElement(XElement element)
    {
        // An empty unit attribute counts as absent, as in libvirt.
        var unit = element.Attribute("unit")?.Value is { Length: > 0 } given ? given : "KiB";
        var text = element.Value.Trim();
        var factor = Factor(unit) ?? throw XmlSupport.Error(element, $"Unknown unit '{unit}'");
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw XmlSupport.Error(element, $"'{text}' is not a valid size");
        }

        try
        {
            return checked((long)checked(value * factor));
        }
        catch (OverflowException)
        {
            throw XmlSupport.Error(element, $"Size {text} {unit} is too large");
        }
    }

    /// <summary>Writes a size as libvirt does: in KiB when it is a whole number of KiB, otherwise in bytes.</summary>
    public static void WriteElement(XElement element, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var kib = bytes % 1024 == 0;
        element.SetAttributeValue("unit", kib ? "KiB" : "b");
        element.Value = (kib ? bytes / 1024 : bytes).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes per unit, or null for a unit libvirt does not know.</summary>
    public static ulong? Factor(string unit)
    {
        if (unit.Equals("b", StringComparison.OrdinalIgnoreCase) || unit.Equals("byte", StringComparison.OrdinalIgnoreCase)
            || unit.Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        if (unit.Length == 0)
        {
            return null;
        }

        var power = Prefixes.IndexOf(char.ToLowerInvariant(unit[0])) + 1;
        if (power == 0)
        {
            return null;
        }

        var rest = unit[1..];
        ulong radix = rest.Length == 0 || rest.Equals("iB", StringComparison.OrdinalIgnoreCase) ? 1024UL
            : rest.Equals("B", StringComparison.OrdinalIgnoreCase) ? 1000UL
            : 0;
        if (radix == 0)
        {
            return null;
        }

        ulong factor = 1;
        for (var i = 0; i < power; i++)
        {
            factor *= radix;
        }

        return factor;
    }
}
