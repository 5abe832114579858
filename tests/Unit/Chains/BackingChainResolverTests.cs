using System.Reflection;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>The chain comes from the XML where the XML closes it, from the prober where it does not.</summary>
public sealed class BackingChainResolverTests
{
    private static readonly VirtHost Host = new(
        "lab", "test:///default", DispatchProxy.Create<IHypervisorDriver, UnusedDriver>(),
        new HostInfo("lab.example", "TEST", new Version(2, 0), new Version(9, 0), new NodeInfo("i686", 1L << 33, 16, 1400, 2, 2, 2, 2)));

    private static readonly ChainContext Context = new(Host, "QEMUGuest1", "vdb");

    [Fact]
    public void TheCanonicalChainComesOutInOrder()
    {
        var chain = new BackingChainResolver().Resolve(Disk("disk-chain-nbd-unix-seven-layers", "vdb").Source, Context);

        Assert.Equal(7, chain.Count);
        Assert.Equal(new[] { "network", "block", "file", "file", "file", "file", "file" }, chain.Select(e => e.Type));
        Assert.Equal(new[] { "qcow2", "qcow2", "qcow2", "qcow2", "qcow2", "qcow2", "raw" }, chain.Select(e => e.Format));
        Assert.Equal(
            new[]
            {
                "nbd+unix:///bar?socket=/var/run/nbdsock", "/dev/HostVG/QEMUGuest1", "/tmp/image2.qcow", "/tmp/image3.qcow",
                "/tmp/image4.qcow", "/tmp/image5.qcow", "/tmp/Fedora-17-x86_64-Live-KDE.iso",
            },
            chain.Select(e => e.Path));
        Assert.Equal(new int?[] { null, 1, 2, 3, 4, 5, 6 }, chain.Select(e => e.Index));
        Assert.Equal(Enumerable.Range(0, 7), chain.Select(e => e.Depth));
        Assert.All(chain, e => Assert.True(e.ChainClosed));
        Assert.All(chain, e => Assert.Equal(ChainStatus.Ok, e.Status));
        Assert.All(chain, e => Assert.Null(e.Message));
        Assert.All(chain, e => Assert.Equal("Xml", e.Origin));
        Assert.All(chain, e => Assert.Same(Host, e.Host));
        Assert.All(chain, e => Assert.Equal("QEMUGuest1", e.Domain));
        Assert.All(chain, e => Assert.Equal("vdb", e.Target));
    }

    [Fact]
    public void TheNetworkTopNamesItsProtocolAndHosts()
    {
        var top = new BackingChainResolver().Resolve(Disk("disk-chain-nbd-unix-seven-layers", "vdb").Source, Context)[0];

        Assert.Equal("nbd", top.Protocol);
        Assert.Equal(new[] { "unix:/var/run/nbdsock" }, top.Hosts);
        Assert.Equal("qcow2", top.BackingFormat);
    }

    [Fact]
    public void LayersBelowTheTopHaveNoProtocolOrHosts()
    {
        var chain = new BackingChainResolver().Resolve(Disk("disk-chain-nbd-unix-seven-layers", "vdb").Source, Context);

        Assert.All(chain.Skip(1), e => Assert.Null(e.Protocol));
        Assert.All(chain.Skip(1), e => Assert.Empty(e.Hosts));
        Assert.Equal(new string?[] { "qcow2", "qcow2", "qcow2", "qcow2", "qcow2", "raw", null }, chain.Select(e => e.BackingFormat));
    }

    [Fact]
    public void AnOpenChainMarksItsLastElementNotProbed()
    {
        var chain = new BackingChainResolver().Resolve(Disk("disk-chain-open", "vda").Source, Context);

        Assert.Equal(2, chain.Count);
        Assert.Equal(ChainStatus.Ok, chain[0].Status);
        Assert.Equal(ChainStatus.NotProbed, chain[1].Status);
        Assert.False(string.IsNullOrWhiteSpace(chain[1].Message));
        Assert.All(chain, e => Assert.False(e.ChainClosed));
    }

    [Fact]
    public void AClosedSingleImageIsOneSoundElement()
    {
        var chain = new BackingChainResolver(new RecordingProber(0)).Resolve(Disk("disk-chain-closed-empty", "vda").Source, Context);

        var only = Assert.Single(chain);
        Assert.Equal("/var/lib/libvirt/images/closed.img", only.Path);
        Assert.Equal(ChainStatus.Ok, only.Status);
        Assert.True(only.ChainClosed);
    }

    [Fact]
    public void TheProberContinuesAnOpenChainWithDepthsAndContext()
    {
        var prober = new RecordingProber(3);
        var chain = new BackingChainResolver(prober, maxDepth: 50).Resolve(Disk("disk-chain-open", "vda").Source, Context);

        Assert.Equal(5, chain.Count);
        Assert.Equal(Enumerable.Range(0, 5), chain.Select(e => e.Depth));
        Assert.Equal("/var/lib/libvirt/images/open-chain-base.qcow2", prober.AskedAbout!.Path);
        Assert.Equal(50, prober.MaxDepth);
        Assert.Equal(1L << 30, chain[1].VirtualSize);
        Assert.Equal(new[] { "/probed/0.qcow2", "/probed/1.qcow2", "/probed/2.qcow2" }, chain.Skip(2).Select(e => e.Path));
        Assert.All(chain.Skip(2), e => Assert.Equal("Image", e.Origin));
        Assert.All(chain, e => Assert.Same(Host, e.Host));
        Assert.All(chain, e => Assert.Equal("QEMUGuest1", e.Domain));
        Assert.All(chain, e => Assert.Equal("vdb", e.Target));
        Assert.All(chain, e => Assert.NotEqual(ChainStatus.NotProbed, e.Status));
    }

    [Fact]
    public void TheProberIsNotAskedWhenTheXmlClosesTheChain()
    {
        var prober = new RecordingProber(3);

        var chain = new BackingChainResolver(prober).Resolve(Disk("disk-chain-nbd-unix-seven-layers", "vdb").Source, Context);

        Assert.Null(prober.AskedAbout);
        Assert.Equal(7, chain.Count);
    }

    [Fact]
    public void AnOpenNetworkLayerIsNotProbed()
    {
        var prober = new RecordingProber(1);
        var source = Disk("disk-network-rbd-two-hosts", "vda").Source;

        var chain = new BackingChainResolver(prober).Resolve(source, Context);

        Assert.Null(prober.AskedAbout);
        Assert.Equal(ChainStatus.NotProbed, Assert.Single(chain).Status);
    }

    [Fact]
    public void TcpHostsRenderAsProtocolHostPortName()
    {
        var source = new StorageSource
        {
            Type = "network",
            Format = "raw",
            Protocol = "rbd",
            NetworkName = "pool/image",
            Hosts = new[] { new NetworkHost("mon1.example", 6789, null, null), new NetworkHost("mon2.example", 6789, "tcp", null) },
            ChainClosed = true,
        };

        var element = Assert.Single(new BackingChainResolver().Resolve(source, Context));

        Assert.Equal("rbd://mon1.example:6789/pool/image", element.Path);
        Assert.Equal(new[] { "mon1.example:6789", "mon2.example:6789" }, element.Hosts);
        Assert.Equal("rbd", element.Protocol);
    }

    [Fact]
    public void ACdromWithoutMediaIsOneElementWithoutPath()
    {
        var chain = new BackingChainResolver(new RecordingProber(2)).Resolve(Disk("disk-cdrom-no-media", "hdc").Source, Context);

        var only = Assert.Single(chain);
        Assert.Null(only.Path);
        Assert.Equal("file", only.Type);
        Assert.Equal("raw", only.Format);
        Assert.Equal(ChainStatus.Ok, only.Status);
        Assert.NotNull(only.Message);
    }

    private static DiskDefinition Disk(string caseName, string target)
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "domain", "in", caseName + ".xml"));
        return DomainXml.Parse(xml).Disks.Single(d => d.Target == target);
    }

    /// <summary>A prober that remembers what it was asked and answers with a fixed number of qcow2 layers.</summary>
    private sealed class RecordingProber : IChainProber
    {
        private readonly int _layers;

        public RecordingProber(int layers) => _layers = layers;

        public BackingChainElement? AskedAbout { get; private set; }
        public int MaxDepth { get; private set; }

        public (BackingChainElement Last, IReadOnlyList<BackingChainElement> Below) Continue(BackingChainElement last, int maxDepth)
        {
            AskedAbout = last;
            MaxDepth = maxDepth;
            var below = Enumerable.Range(0, _layers)
                .Select(i => new BackingChainElement { Depth = 99, Path = $"/probed/{i}.qcow2", Format = "qcow2", Origin = "Image" })
                .ToList();
            return (last with { VirtualSize = 1L << 30 }, below);
        }
    }

    /// <summary>The chain resolver never talks to the driver; any call is a test failure.</summary>
    public class UnusedDriver : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"The resolver called {targetMethod?.Name} on the driver");
    }
}
