using System.Xml.Linq;
using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>The lab shipped in samples/ loads and shows the chains it promises. These tests only read it.</summary>
public sealed class SampleLabTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestDriver _driver = Open("test:///" + Path.Combine(RepositoryRoot(), "samples", "lab.xml").Replace('\\', '/').TrimStart('/'));

    public ValueTask DisposeAsync() => _driver.DisposeAsync();

    [Fact]
    public async Task TheLabHasItsDomainsInTheirStates()
    {
        var domains = (await _driver.ListDomainsAsync(null, None).ToListAsync()).ToDictionary(d => d.Name);
        Assert.Equal(
            new Dictionary<string, (DomainState, bool)>
            {
                ["web01"] = (DomainState.Running, true),
                ["web02"] = (DomainState.ShutOff, true),
                ["db01"] = (DomainState.Paused, true),
                ["build01"] = (DomainState.Running, true),
                ["win-test"] = (DomainState.ShutOff, true),
                ["fedora-live"] = (DomainState.Running, false),
            },
            domains.ToDictionary(d => d.Key, d => (d.Value.State, d.Value.Persistent)));
    }

    [Fact]
    public async Task EveryLabDomainIsAValidTestDomain()
    {
        await foreach (var info in _driver.ListDomainsAsync(null, None))
        {
            var definition = DomainXml.Parse(await _driver.GetDomainXmlAsync(DomainRef.Of(info), DomainXmlFlags.None, None));
            Assert.Equal(("test", info.Uuid), (definition.Type, definition.Uuid));
            Assert.NotEmpty(definition.Disks);
        }
    }

    [Fact]
    public void TheLabHasOnePoolWithVolumesAndOneNetwork()
    {
        var pool = Assert.Single(_driver.Host.Pools);
        Assert.Equal(("lab-pool", "dir"), (pool.Name, pool.Type));
        Assert.True(pool.Volumes.Count >= 3);
        Assert.NotNull(pool.FindVolume("web01-data.qcow2"));
        var network = Assert.Single(_driver.Host.Networks);
        Assert.Equal("lab-net", network.Name);
    }

    [Fact]
    public async Task FedoraLiveCarriesTheSevenLayerChainOfTheSpecification()
    {
        var vdb = (await Disks("fedora-live")).Single(d => d.Target == "vdb");
        Assert.True(XNode.DeepEquals(XElement.Parse(TestDriverDefineTests.SevenLayerDisk), XElement.Parse(vdb.Element!.ToString())));
    }

    [Fact]
    public async Task TheLabShowsEveryKindOfChainLayer()
    {
        var disks = new List<DiskDefinition>();
        await foreach (var info in _driver.ListDomainsAsync(null, None))
        {
            disks.AddRange(await Disks(info.Name));
        }

        var layers = disks.SelectMany(d => d.Source.Layers()).ToList();
        Assert.Contains(disks, d => Chain(d) == "file:qcow2 file:qcow2 file:raw");
        Assert.Contains(layers, l => l.Type == "block");
        Assert.Contains(layers, l => l.Protocol == "rbd" && l.Hosts.Count == 2);
        Assert.Contains(layers, l => l.Protocol == "gluster");
        Assert.Contains(layers, l => l.Type == "volume" && l.Pool == "lab-pool");
        Assert.Contains(layers, l => l.Format == "vmdk");
        Assert.Contains(disks, d => d.Device == "cdrom" && d.Source.SourceElement is null);
        Assert.Contains(disks, d => d.Source.BackingStore is not null && !d.Source.Layers().Last().ChainClosed);
    }

    private async Task<IReadOnlyList<DiskDefinition>> Disks(string domain) =>
        DomainXml.Parse(await _driver.GetDomainXmlAsync(DomainRef.ByName(domain), DomainXmlFlags.Inactive, None)).Disks;

    private static string Chain(DiskDefinition disk) => string.Join(" ", disk.Source.Layers().Select(l => $"{l.Type}:{l.Format}"));
}
