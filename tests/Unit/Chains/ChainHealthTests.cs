using System.Xml.Linq;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Xml;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Health findings: one per problem, with a kind, a severity and the depth it concerns.</summary>
public sealed class ChainHealthTests
{
    private static readonly ImageChainResolver Resolver = new();
    private static readonly ChainHealth Health = new();

    [Fact]
    public void ASoundChainHasNoFindings()
    {
        using var temp = new TempFolder();
        var top = ChainBuilder.Qcow2Chain(temp, 3);

        var findings = Health.Check(Resolver.Resolve(top).Elements);

        Assert.Empty(findings);
        Assert.True(ChainHealth.IsHealthy(findings));
    }

    [Fact]
    public void CheckingAPathOrADomainChainIsOneCall()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "1M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "1M", "base.raw", "raw");
        new Qcow2Bytes().WithBacking("gone.qcow2", "qcow2").WriteTo(temp.File("broken.qcow2"));

        Assert.Empty(Health.CheckImage(temp.File("top.qcow2")));
        Assert.Equal(ChainFindingKind.MissingLayer, Assert.Single(Health.CheckImage(temp.File("broken.qcow2"))).Kind);
        var absent = Assert.Single(Health.CheckImage(temp.File("absent.qcow2")));
        Assert.Equal((ChainFindingKind.MissingLayer, 0), (absent.Kind, absent.Depth));
        Assert.Empty(Health.CheckDomainChain(Chain("qcow2", temp.File("top.qcow2"), ("raw", temp.File("base.raw")))));
        var wrong = Health.CheckDomainChain(Chain("qcow2", temp.File("top.qcow2"), ("raw", temp.File("broken.qcow2"))));
        Assert.Contains(wrong, f => f.Kind == ChainFindingKind.XmlDisagreesWithImage && f.Domain == "web");
    }

    [Fact]
    public void BrokenLayersGiveOneErrorEach()
    {
        using var temp = new TempFolder();
        new Qcow2Bytes().WithBacking("gone.qcow2", "qcow2").WriteTo(temp.File("missing.qcow2"));
        new Qcow2Bytes().WithBacking("loop.qcow2", "qcow2").WriteTo(temp.File("loop.qcow2"));
        new Qcow2Bytes { Version = 4 }.WriteTo(temp.File("invalid.qcow2"));

        var missing = Health.Check(Resolver.Resolve(temp.File("missing.qcow2")).Elements);
        var loop = Health.Check(Resolver.Resolve(temp.File("loop.qcow2")).Elements);
        var invalid = Health.Check(Resolver.Resolve(temp.File("invalid.qcow2")).Elements);
        var tooDeep = Health.Check(Resolver.Resolve(ChainBuilder.Qcow2Chain(temp, 4, "deep"), maxDepth: 2).Elements);

        Assert.Equal(ChainFindingKind.MissingLayer, Assert.Single(missing).Kind);
        Assert.Equal(ChainFindingKind.Loop, Assert.Single(loop).Kind);
        Assert.Equal(ChainFindingKind.InvalidLayer, Assert.Single(invalid).Kind);
        Assert.Equal(ChainFindingKind.TooDeep, Assert.Single(tooDeep).Kind);
        Assert.All(missing.Concat(loop).Concat(invalid).Concat(tooDeep), f => Assert.Equal(ChainFindingSeverity.Error, f.Severity));
        Assert.Equal(1, missing[0].Depth);
    }

    [Fact]
    public void AnUnrecordedBackingFormatIsAWarningOnTheOverlay()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "1M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "1M", "base.raw", "raw");
        QemuImg.ForgetBackingFormat(temp.File("top.qcow2"));

        var findings = Health.Check(Resolver.Resolve(temp.File("top.qcow2")).Elements);

        var finding = Assert.Single(findings);
        Assert.Equal(ChainFindingKind.BackingFormatNotRecorded, finding.Kind);
        Assert.Equal(0, finding.Depth);
        Assert.False(ChainHealth.IsHealthy(findings));
    }

    [Fact]
    public void RelativeReferencesThatBreakWhenTheImageMovesAreFound()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("b/base.qcow2"), "qcow2", "1M");
        QemuImg.Create(temp.File("a/up.qcow2"), "qcow2", "1M", "../b/base.qcow2", "qcow2");
        QemuImg.Create(temp.File("real/base.qcow2"), "qcow2", "1M");
        QemuImg.Create(temp.File("real/top.qcow2"), "qcow2", "1M", "base.qcow2", "qcow2");
        QemuImg.Create(temp.File("links/base.qcow2"), "qcow2", "1M");
        File.CreateSymbolicLink(temp.File("links/top.qcow2"), temp.File("real/top.qcow2"));

        var up = Health.Check(Resolver.Resolve(temp.File("a/up.qcow2")).Elements);
        var linked = Health.Check(Resolver.Resolve(temp.File("links/top.qcow2")).Elements);

        Assert.Equal(ChainFindingKind.RelativeReferenceBreaksOnMove, Assert.Single(up).Kind);
        Assert.Equal(ChainFindingKind.RelativeReferenceBreaksOnMove, Assert.Single(linked).Kind);
    }

    [Fact]
    public void XmlThatDisagreesWithTheImagesIsFound()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "1M");
        QemuImg.Create(temp.File("other.raw"), "raw", "1M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "1M", "base.raw", "raw");
        QemuImg.Create(temp.File("plain.qcow2"), "qcow2", "1M");
        var wrongFile = Chain("qcow2", temp.File("top.qcow2"), ("raw", temp.File("other.raw")));
        var wrongFormat = Chain("qcow2", temp.File("top.qcow2"), ("qcow2", temp.File("base.raw")));
        var noBacking = Chain("qcow2", temp.File("plain.qcow2"), ("raw", temp.File("base.raw")));
        var notQcow2 = Chain("qcow2", temp.File("base.raw"), ("raw", temp.File("other.raw")));
        var agreeing = Chain("qcow2", temp.File("top.qcow2"), ("raw", temp.File("base.raw")));

        Assert.Contains(Health.CompareWithImages(wrongFile), f => f.Kind == ChainFindingKind.XmlDisagreesWithImage && f.Message.Contains("names"));
        Assert.Contains(Health.CompareWithImages(wrongFormat), f => f.Kind == ChainFindingKind.XmlDisagreesWithImage && f.Message.Contains("records its backing format"));
        Assert.Contains(Health.CompareWithImages(noBacking), f => f.Message.Contains("no backing file"));
        Assert.Contains(Health.CompareWithImages(notQcow2), f => f.Message.Contains("its content is raw"));
        Assert.Empty(Health.CompareWithImages(agreeing));
    }

    [Fact]
    public void AnActiveImageSharedByRunningDomainsIsAnErrorAndASharedBaseIsANote()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "1M");
        QemuImg.Create(temp.File("a.qcow2"), "qcow2", "1M", "base.qcow2", "qcow2");
        QemuImg.Create(temp.File("b.qcow2"), "qcow2", "1M", "base.qcow2", "qcow2");
        File.CreateSymbolicLink(temp.File("a-link.qcow2"), temp.File("a.qcow2"));
        var a = Resolver.Resolve(temp.File("a.qcow2")).Elements;
        var b = Resolver.Resolve(temp.File("b.qcow2")).Elements;
        var alsoA = Resolver.Resolve(temp.File("a-link.qcow2")).Elements;

        var shared = Health.SharedLayers(new[]
        {
            new DomainDiskChain("one", "vda", true, a), new DomainDiskChain("two", "vda", true, b),
        });
        var written = Health.SharedLayers(new[]
        {
            new DomainDiskChain("one", "vda", true, a), new DomainDiskChain("three", "vdb", true, alsoA),
        });
        var stopped = Health.SharedLayers(new[]
        {
            new DomainDiskChain("one", "vda", true, a), new DomainDiskChain("three", "vdb", false, alsoA),
        });

        Assert.Equal(2, shared.Count);
        Assert.All(shared, f => Assert.Equal(ChainFindingSeverity.Information, f.Severity));
        Assert.Contains(written, f => f.Severity == ChainFindingSeverity.Error && f.Domain == "three");
        Assert.Empty(stopped);
    }

    private static IReadOnlyList<LibVirtPS.Engine.Model.BackingChainElement> Chain(string format, string top, (string Format, string Path) below)
    {
        var xml = $"""
            <disk type='file'>
              <driver name='qemu' type='{format}'/>
              <source file='{top}'/>
              <backingStore type='file'><format type='{below.Format}'/><source file='{below.Path}'/><backingStore/></backingStore>
              <target dev='vda'/>
            </disk>
            """;
        return new BackingChainResolver().Resolve(DiskXml.Parse(XElement.Parse(xml)).Source, new ChainContext(null, "web", "vda"));
    }
}
