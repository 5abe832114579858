using System.Xml.Linq;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Domain chains the XML leaves open continue from the image files below their last layer.</summary>
public sealed class ImageChainProberTests
{
    private static readonly ChainContext Context = new(null, "web", "vda");

    private static StorageSource Source(string xml) => DiskXml.Parse(XElement.Parse(xml)).Source;

    [Fact]
    public void AnOpenChainContinuesFromTheLastXmlLayer()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "32M");
        QemuImg.Create(temp.File("mid.qcow2"), "qcow2", "32M", "base.raw", "raw");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "32M", "mid.qcow2", "qcow2");
        var xml = $"""
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='{temp.File("top.qcow2")}'/>
              <backingStore type='file' index='1'>
                <format type='qcow2'/>
                <source file='{temp.File("mid.qcow2")}'/>
              </backingStore>
              <target dev='vda' bus='virtio'/>
            </disk>
            """;

        var chain = new BackingChainResolver(new ImageChainProber()).Resolve(Source(xml), Context);

        Assert.Equal(3, chain.Count);
        Assert.Equal(new[] { "Xml", "Xml", "Image" }, chain.Select(e => e.Origin));
        Assert.Equal(new[] { 0, 1, 2 }, chain.Select(e => e.Depth));
        Assert.Equal(temp.File("base.raw"), chain[2].Path);
        Assert.Equal("raw", chain[2].Format);
        Assert.Equal("base.raw", chain[2].BackingReference);
        Assert.Equal(32L << 20, chain[1].VirtualSize);
        Assert.Equal("raw", chain[1].BackingFormat);
        Assert.Equal(1, chain[1].Index);
        Assert.All(chain, e => Assert.Equal(ChainStatus.Ok, e.Status));
        Assert.All(chain, e => Assert.Equal("web", e.Domain));
    }

    [Fact]
    public void AMissingLastLayerIsMarkedMissing()
    {
        using var temp = new TempFolder();
        var xml = $"<disk type='file'><driver name='qemu' type='qcow2'/><source file='{temp.File("gone.qcow2")}'/><target dev='vda'/></disk>";

        var chain = new BackingChainResolver(new ImageChainProber()).Resolve(Source(xml), Context);

        Assert.Equal(ChainStatus.Missing, Assert.Single(chain).Status);
    }

    [Fact]
    public void TheDepthCapCountsTheXmlLayers()
    {
        using var temp = new TempFolder();
        var top = ChainBuilder.Qcow2Chain(temp, 5);
        var xml = $"<disk type='file'><driver name='qemu' type='qcow2'/><source file='{top}'/><target dev='vda'/></disk>";

        var chain = new BackingChainResolver(new ImageChainProber(), maxDepth: 3).Resolve(Source(xml), Context);

        Assert.Equal(4, chain.Count);
        Assert.Equal(ChainStatus.TooDeep, chain[3].Status);
        Assert.Equal(3, chain[3].Depth);
    }

    [Fact]
    public void AnXmlLayerWithoutAFormatIsProbedUnderTheSafetyRule()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "8M");
        QemuImg.Create(temp.File("mid.qcow2"), "qcow2", "8M", "base.qcow2", "qcow2");
        var xml = $"<disk type='file'><source file='{temp.File("mid.qcow2")}'/><target dev='vda'/></disk>";

        var chain = new BackingChainResolver(new ImageChainProber()).Resolve(Source(xml), Context);

        Assert.Equal(ChainStatus.FormatUnknown, Assert.Single(chain).Status);
    }
}
