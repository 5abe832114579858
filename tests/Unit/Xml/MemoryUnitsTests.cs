using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Xml;

/// <summary>libvirt's scaled integers: every unit it knows, the KiB default, and sizes that do not fit.</summary>
public sealed class MemoryUnitsTests
{
    public static TheoryData<string, ulong> Units => new()
    {
        { "b", 1UL }, { "byte", 1UL }, { "bytes", 1UL }, { "B", 1UL }, { "Bytes", 1UL },
        { "k", 1UL << 10 }, { "KiB", 1UL << 10 }, { "KB", 1000UL },
        { "M", 1UL << 20 }, { "MiB", 1UL << 20 }, { "MB", 1000_000UL },
        { "g", 1UL << 30 }, { "GiB", 1UL << 30 }, { "GB", 1000_000_000UL },
        { "T", 1UL << 40 }, { "TiB", 1UL << 40 }, { "TB", 1000_000_000_000UL },
        { "P", 1UL << 50 }, { "PiB", 1UL << 50 }, { "PB", 1000_000_000_000_000UL },
        { "E", 1UL << 60 }, { "EiB", 1UL << 60 }, { "EB", 1000_000_000_000_000_000UL },
        { "gib", 1UL << 30 }, { "mb", 1000_000UL },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void KnowsEveryUnit(string unit, ulong factor)
    {
        Assert.Equal(factor, MemoryUnits.Factor(unit));
        Assert.Equal((long)(3 * factor), MemoryUnits.ParseElement(Element($"<memory unit='{unit}'>3</memory>")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("KiBB")]
    [InlineData("Ki")]
    [InlineData("kbytes")]
    [InlineData("Z")]
    [InlineData("ZiB")]
    public void RefusesUnknownUnits(string unit)
    {
        Assert.Null(MemoryUnits.Factor(unit));
    }

    [Fact]
    public void WithoutAUnitTheSizeIsInKiB()
    {
        Assert.Equal(2048L * 1024, MemoryUnits.ParseElement(Element("<memory>2048</memory>")));
        Assert.Equal(2048L * 1024, MemoryUnits.ParseElement(Element("<memory unit=''>2048</memory>")));
        Assert.Equal(5L * 1024, MemoryUnits.ParseElement(Element("<memory>\n  5\n</memory>")));
    }

    [Theory]
    [InlineData("<memory unit='EiB'>8</memory>")]
    [InlineData("<memory unit='EiB'>16</memory>")]
    [InlineData("<memory unit='PiB'>8192</memory>")]
    [InlineData("<memory unit='b'>9223372036854775808</memory>")]
    [InlineData("<memory unit='b'>18446744073709551616</memory>")]
    [InlineData("<memory>9007199254740992</memory>")]
    public void RefusesSizesThatDoNotFit(string xml)
    {
        var ex = Assert.Throws<InvalidXmlException>(() => MemoryUnits.ParseElement(Element(xml)));

        Assert.Equal("memory", ex.Element);
    }

    [Fact]
    public void TheLargestSizeThatFitsIsAccepted()
    {
        Assert.Equal(long.MaxValue, MemoryUnits.ParseElement(Element("<memory unit='b'>9223372036854775807</memory>")));
        Assert.Equal(7L << 60, MemoryUnits.ParseElement(Element("<memory unit='EiB'>7</memory>")));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("0x10")]
    public void RefusesValuesThatAreNotWholeNumbers(string value)
    {
        var ex = Assert.Throws<InvalidXmlException>(() => MemoryUnits.ParseElement(Element($"<memory unit='KiB'>{value}</memory>")));

        Assert.Equal("memory", ex.Element);
    }

    [Fact]
    public void AnUnknownUnitNamesTheElementAndLine()
    {
        var document = XDocument.Parse("<domain>\n<memory unit='GiBi'>1</memory>\n</domain>", LoadOptions.SetLineInfo);

        var ex = Assert.Throws<InvalidXmlException>(() => MemoryUnits.ParseElement(document.Root!.Element("memory")!));

        Assert.Equal(2, ex.Line);
        Assert.Equal("memory", ex.Element);
    }

    [Theory]
    [InlineData(1073741824L, "KiB", "1048576")]
    [InlineData(1536L, "b", "1536")]
    [InlineData(0L, "KiB", "0")]
    public void WritesKiBWhenItCan(long bytes, string unit, string value)
    {
        var element = new XElement("memory", new XAttribute("unit", "GiB"), "9");

        MemoryUnits.WriteElement(element, bytes);

        Assert.Equal(unit, (string?)element.Attribute("unit"));
        Assert.Equal(value, element.Value);
        Assert.Equal(bytes, MemoryUnits.ParseElement(element));
    }

    private static XElement Element(string xml) => XElement.Parse(xml, LoadOptions.SetLineInfo);
}
