using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Chains made by qemu-img are read top first, with paths joined the way qemu joins them.</summary>
public sealed class ImageChainResolverTests
{
    private static readonly ImageChainResolver Resolver = new();

    [Fact]
    public void ARelativeChainOfMixedFormatsComesOutTopFirst()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "64M");
        QemuImg.Create(temp.File("mid.qcow2"), "qcow2", "64M", "base.raw", "raw");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "64M", "mid.qcow2", "qcow2");

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Null(chain.Error);
        Assert.True(chain.IsHealthy);
        Assert.Equal(new[] { 0, 1, 2 }, chain.Elements.Select(e => e.Depth));
        Assert.Equal(new[] { temp.File("top.qcow2"), temp.File("mid.qcow2"), temp.File("base.raw") }, chain.Elements.Select(e => e.Path));
        Assert.Equal(new[] { "qcow2", "qcow2", "raw" }, chain.Elements.Select(e => e.Format));
        Assert.Equal(new string?[] { null, "mid.qcow2", "base.raw" }, chain.Elements.Select(e => e.BackingReference));
        Assert.Equal(new string?[] { "qcow2", "raw", null }, chain.Elements.Select(e => e.BackingFormat));
        Assert.Equal(new[] { "probed", "metadata", "metadata" }, chain.Elements.Select(e => e.FormatOrigin));
        Assert.All(chain.Elements, e => Assert.Equal(64L << 20, e.VirtualSize));
        Assert.All(chain.Elements, e => Assert.Equal("Image", e.Origin));
        Assert.All(chain.Elements, e => Assert.NotNull(e.Identity));
        Assert.All(chain.Elements, e => Assert.Null(e.PathBytes));
    }

    [Fact]
    public void AnAbsoluteReferenceIsUsedAsWritten()
    {
        using var temp = new TempFolder();
        var basePath = temp.File("images/base.qcow2");
        QemuImg.Create(basePath, "qcow2", "16M");
        QemuImg.Create(temp.File("vm/top.qcow2"), "qcow2", "16M", basePath, "qcow2");

        var chain = Resolver.Resolve(temp.File("vm/top.qcow2"));

        Assert.Equal(basePath, chain.Elements[1].Path);
        Assert.Equal(basePath, chain.Elements[1].BackingReference);
        Assert.Equal(ChainStatus.Ok, chain.Elements[1].Status);
    }

    [Fact]
    public void AReferenceAcrossFoldersIsJoinedWithoutCollapsingDotDot()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("b/base.qcow2"), "qcow2", "16M");
        QemuImg.Create(temp.File("a/top.qcow2"), "qcow2", "16M", "../b/base.qcow2", "qcow2");

        var chain = Resolver.Resolve(temp.File("a/top.qcow2"));

        Assert.Equal(Path.Combine(temp.Root, "a") + "/../b/base.qcow2", chain.Elements[1].Path);
        Assert.True(chain.IsHealthy);
    }

    [Fact]
    public void ARelativeTopPathStaysRelative()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", "base.qcow2", "qcow2");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, temp.File("top.qcow2"));

        var chain = Resolver.Resolve(relative);

        Assert.Equal(relative, chain.Elements[0].Path);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(relative)!, "base.qcow2"), chain.Elements[1].Path);
        Assert.True(chain.IsHealthy);
    }

    [Fact]
    public void ASymlinkedOverlayResolvesFromTheLinksOwnFolder()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("real/base.qcow2"), "qcow2", "16M");
        QemuImg.Create(temp.File("real/top.qcow2"), "qcow2", "16M", "base.qcow2", "qcow2");
        var link = temp.File("links/top.qcow2");
        File.CreateSymbolicLink(link, temp.File("real/top.qcow2"));

        var chain = Resolver.Resolve(link);

        Assert.Equal(2, chain.Elements.Count);
        Assert.Equal(temp.File("links/base.qcow2"), chain.Elements[1].Path);
        Assert.Equal(ChainStatus.Missing, chain.Elements[1].Status);
        Assert.Null(chain.Elements[1].VirtualSize);

        // With the base linked beside it too, the chain is whole.
        File.CreateSymbolicLink(temp.File("links/base.qcow2"), temp.File("real/base.qcow2"));
        Assert.True(Resolver.Resolve(link).IsHealthy);
    }

    [Fact]
    public void ADepthFiftyChainIsWhole()
    {
        using var temp = new TempFolder();
        var top = ChainBuilder.Qcow2Chain(temp, 50);

        var chain = Resolver.Resolve(top);

        Assert.Equal(50, chain.Elements.Count);
        Assert.True(chain.IsHealthy);
        Assert.Equal(Enumerable.Range(0, 50), chain.Elements.Select(e => e.Depth));
    }

    [Fact]
    public void The201stImageIsTooDeepUnlessMaxDepthIsRaised()
    {
        using var temp = new TempFolder();
        var top = ChainBuilder.Qcow2Chain(temp, 201);

        var chain = Resolver.Resolve(top);
        var raised = Resolver.Resolve(top, maxDepth: 201);

        Assert.Equal(201, chain.Elements.Count);
        Assert.All(chain.Elements.Take(200), e => Assert.Equal(ChainStatus.Ok, e.Status));
        var last = chain.Elements[200];
        Assert.Equal(ChainStatus.TooDeep, last.Status);
        Assert.Equal(200, last.Depth);
        Assert.Equal(temp.File("layer-000.qcow2"), last.Path);
        Assert.Equal("qcow2", last.Format);
        Assert.Null(last.VirtualSize);
        Assert.True(raised.IsHealthy);
        Assert.Equal(201, raised.Elements.Count);
    }

    [Fact]
    public void ATwoHundredLayerChainIsFine()
    {
        using var temp = new TempFolder();
        var top = ChainBuilder.Qcow2Chain(temp, 200);

        Assert.True(Resolver.Resolve(top).IsHealthy);
    }

    [Fact]
    public void QedVmdkVpcAndVhdxLayersCarryTheirFormats()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "16M");
        QemuImg.Create(temp.File("raw-parent.qed"), "qed", "16M", "base.raw", "raw");
        QemuImg.Create(temp.File("vmdk-base.vmdk"), "vmdk", "16M");
        QemuImg.Create(temp.File("vmdk-delta.vmdk"), "vmdk", "16M", "vmdk-base.vmdk", "vmdk");
        QemuImg.Create(temp.File("leaf.vhd"), "vpc", "16M");
        QemuImg.Create(temp.File("leaf.vhdx"), "vhdx", "16M");
        QemuImg.Create(temp.File("over-vhd.qcow2"), "qcow2", "16M", "leaf.vhd", "vpc");
        QemuImg.Create(temp.File("over-vhdx.qcow2"), "qcow2", "16M", "leaf.vhdx", "vhdx");

        var qed = Resolver.Resolve(temp.File("raw-parent.qed"));
        var vmdk = Resolver.Resolve(temp.File("vmdk-delta.vmdk"));
        var vhd = Resolver.Resolve(temp.File("over-vhd.qcow2"));
        var vhdx = Resolver.Resolve(temp.File("over-vhdx.qcow2"));

        Assert.Equal(new[] { "qed", "raw" }, qed.Elements.Select(e => e.Format));
        Assert.Equal("raw", qed.Elements[0].BackingFormat);
        Assert.Equal(new[] { "vmdk", "vmdk" }, vmdk.Elements.Select(e => e.Format));
        Assert.Equal("vmdk-base.vmdk", vmdk.Elements[1].BackingReference);
        Assert.Equal(new[] { "qcow2", "vpc" }, vhd.Elements.Select(e => e.Format));
        Assert.Equal(new[] { "qcow2", "vhdx" }, vhdx.Elements.Select(e => e.Format));
        Assert.All(new[] { qed, vmdk, vhd, vhdx }, c => Assert.True(c.IsHealthy));
    }

    [Fact]
    public void TheStatedFormatOfTheTopIsTrusted()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", "base.qcow2", "qcow2");

        var asRaw = Resolver.Resolve(temp.File("top.qcow2"), "raw");
        var asQcow2 = Resolver.Resolve(temp.File("top.qcow2"), "qcow2");
        var asVmdk = Resolver.Resolve(temp.File("top.qcow2"), "vmdk");

        Assert.Equal("raw", Assert.Single(asRaw.Elements).Format);
        Assert.Equal(new FileInfo(temp.File("top.qcow2")).Length, asRaw.Elements[0].VirtualSize);
        Assert.Equal("stated", asQcow2.Elements[0].FormatOrigin);
        Assert.Equal(2, asQcow2.Elements.Count);
        Assert.Equal(ChainStatus.Invalid, Assert.Single(asVmdk.Elements).Status);
    }
}
