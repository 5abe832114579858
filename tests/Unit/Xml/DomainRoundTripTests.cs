using System.Runtime.CompilerServices;
using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Xml;
using Xunit;
using Xunit.Abstractions;

namespace LibVirtPS.Tests.Xml;

/// <summary>
/// The domain XML round trips, one case per file of data/domain/in: parse, format and compare with out/&lt;case&gt;.xml,
/// or with the input when no out file exists. Cases named *-invalid-* must fail with the line and element that
/// their .expect file names. LIBVIRTPS_REGENERATE=1 rewrites the out files instead of comparing.
/// </summary>
public sealed class DomainRoundTripTests
{
    private const string RegenerateVariable = "LIBVIRTPS_REGENERATE";
    private static readonly string DataFolder = Path.Combine(AppContext.BaseDirectory, "data", "domain");
    private readonly ITestOutputHelper _output;

    public DomainRoundTripTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(DataFolder, "in"), "*.xml").Order(StringComparer.Ordinal))
        {
            cases.Add(Path.GetFileNameWithoutExtension(file));
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTrips(string name)
    {
        var input = File.ReadAllText(InPath(name));
        if (name.Contains("-invalid-", StringComparison.Ordinal))
        {
            AssertFailsAsExpected(name, input);
            return;
        }

        var formatted = DomainXml.Format(DomainXml.Parse(input));
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            Regenerate(name, input, formatted);
            return;
        }

        var outPath = Path.Combine(DataFolder, "out", name + ".xml");
        var expected = File.Exists(outPath) ? File.ReadAllText(outPath) : input;
        Assert.Equal(Normalize(expected), Normalize(formatted));

        // The expected output is itself a valid definition that formats to itself.
        Assert.Equal(Normalize(expected), Normalize(DomainXml.Format(DomainXml.Parse(expected))));
    }

    [Fact]
    public void EveryOutFileHasAnInputAndDiffersFromIt()
    {
        var outFolder = Path.Combine(DataFolder, "out");
        Assert.True(Directory.Exists(outFolder), "data/domain/out is missing");
        foreach (var outFile in Directory.EnumerateFiles(outFolder, "*.xml"))
        {
            var name = Path.GetFileNameWithoutExtension(outFile);
            Assert.True(File.Exists(InPath(name)), $"out/{name}.xml has no input case");
            Assert.NotEqual(Normalize(File.ReadAllText(InPath(name))), Normalize(File.ReadAllText(outFile)));
        }
    }

    [Fact]
    public void EveryInvalidCaseHasAnExpectationAndNoOtherCaseHasOne()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(DataFolder, "in")))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var invalid = name.Contains("-invalid-", StringComparison.Ordinal);
            if (file.EndsWith(".xml", StringComparison.Ordinal))
            {
                Assert.True(!invalid || File.Exists(ExpectPath(name)), $"{name} has no .expect file");
            }
            else
            {
                Assert.True(file.EndsWith(".expect", StringComparison.Ordinal) && invalid, $"unexpected file in/{Path.GetFileName(file)}");
                Assert.True(File.Exists(InPath(name)), $"{name}.expect has no .xml case");
            }
        }
    }

    private static void AssertFailsAsExpected(string name, string input)
    {
        var expect = File.ReadAllText(ExpectPath(name))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

        var ex = Assert.Throws<InvalidXmlException>(() => DomainXml.Parse(input));

        Assert.Equal(ErrorCode.XmlError, ex.Code);
        Assert.Equal(int.Parse(expect["line"], System.Globalization.CultureInfo.InvariantCulture), ex.Line);
        Assert.Equal(expect.GetValueOrDefault("element"), ex.Element);
    }

    private void Regenerate(string name, string input, string formatted, [CallerFilePath] string thisFile = "")
    {
        // Write into the source tree, not the copy next to the test assembly.
        var outFolder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "data", "domain", "out"));
        var outPath = Path.Combine(outFolder, name + ".xml");
        if (Normalize(input) == Normalize(formatted))
        {
            File.Delete(outPath);
            return;
        }

        Directory.CreateDirectory(outFolder);
        File.WriteAllText(outPath, XDocument.Parse(formatted).ToString() + "\n");
        var warning = $"WARNING: {RegenerateVariable}=1 rewrote out/{name}.xml; review the change carefully before committing it.";
        _output.WriteLine(warning);
        Console.Error.WriteLine(warning);
    }

    /// <summary>Both sides parsed and printed the same way, so whitespace-only text nodes do not count.</summary>
    private static string Normalize(string xml) => XDocument.Parse(xml, LoadOptions.None).Root!.ToString(SaveOptions.None);

    private static string InPath(string name) => Path.Combine(DataFolder, "in", name + ".xml");

    private static string ExpectPath(string name) => Path.Combine(DataFolder, "in", name + ".expect");
}
