using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Services;

/// <summary>DomainService.InventoryAsync: the driver's capability when it has one, else the list and XML calls.</summary>
public class DomainInventoryServiceTests
{
    private const string Disk = "<disk type='file' device='disk'><source file='/images/a.qcow2'/><target dev='vdb' bus='virtio'/></disk>";

    private static async Task<List<DomainWithXml>> InventoryAsync(VirtHost host, bool inactive, Func<string, bool>? include = null)
    {
        var entries = new List<DomainWithXml>();
        await foreach (var entry in DomainService.InventoryAsync(host, inactive, include, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static async Task<VirtHost> HostAsync(IHypervisorDriver driver) =>
        new("h", driver.Uri, driver, await driver.GetHostInfoAsync(CancellationToken.None));

    [Fact]
    public async Task TheFallbackGivesWhatTheCapabilityGives()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("svc-a", devices: Disk), CancellationToken.None);
        var plain = new PlainDriver(driver);
        Assert.IsNotAssignableFrom<IDomainInventory>(plain);

        var viaCapability = await InventoryAsync(await HostAsync(driver), inactive: false);
        var viaFallback = await InventoryAsync(await HostAsync(plain), inactive: false);

        Assert.Equal(viaCapability.Select(e => (e.Domain.Name, e.Domain.State, e.Domain.MemoryBytes, e.Xml)),
            viaFallback.Select(e => (e.Domain.Name, e.Domain.State, e.Domain.MemoryBytes, e.Xml)));
        Assert.All(viaFallback, e => Assert.NotNull(e.Definition));
        Assert.Equal(viaFallback.Count, plain.XmlCalls);
    }

    [Fact]
    public async Task TheFallbackAsksXmlOnlyOfSelectedDomainsWithTheInactiveFlag()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("svc-b"), CancellationToken.None);
        var plain = new PlainDriver(driver);

        var entries = await InventoryAsync(await HostAsync(plain), inactive: true, name => name == "svc-b");

        Assert.Equal("svc-b", Assert.Single(entries).Domain.Name);
        Assert.Equal(1, plain.XmlCalls);
        Assert.Equal(DomainXmlFlags.Inactive, plain.LastFlags);
    }

    [Fact]
    public async Task TheFallbackLeavesOutDomainsUndefinedAfterTheList()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("svc-gone"), CancellationToken.None);
        var plain = new PlainDriver(driver) { UndefineBeforeXml = "svc-gone" };

        var entries = await InventoryAsync(await HostAsync(plain), inactive: false);

        Assert.Equal(new[] { "test" }, entries.Select(e => e.Domain.Name));
    }

    [Fact]
    public async Task DisksComeFromTheEntryWithoutAnotherCall()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("svc-disks", devices: Disk), CancellationToken.None);
        var host = await HostAsync(driver);
        var entry = Assert.Single(await InventoryAsync(host, inactive: false, name => name == "svc-disks"));

        var disks = DiskService.GetDisks(entry);
        var expected = await DiskService.GetDisksAsync(entry.Domain, inactive: false, CancellationToken.None);

        Assert.Equal(expected.Select(d => (d.Target, d.Source, d.DomainName, d.Host)), disks.Select(d => (d.Target, d.Source, d.DomainName, d.Host)));
        Assert.Equal("vdb", Assert.Single(disks).Target);
    }

    [Fact]
    public async Task AnEntryWhoseXmlDidNotParseReportsTheParseErrorWhenItsDisksAreAsked()
    {
        await using var driver = FreshDefault();
        var info = new DomainInfo("bad", Guid.NewGuid(), null, DomainState.ShutOff, 1, 1, 1, true, false);
        var host = new VirtHost("h", "test:///default", driver, new HostInfo("n", "TEST", new Version(0, 0, 2), new Version(1, 0),
            new NodeInfo("i686", 1, 1, 1, 1, 1, 1, 1)));
        var entry = new DomainWithXml(VirtDomain.From(host, info), "<domain type='test'><name>bad</name></domain>", null);

        Assert.Throws<Engine.Errors.InvalidXmlException>(() => DiskService.GetDisks(entry));
    }

    /// <summary>A driver with only the plain driver table (no inventory capability), counting XML calls.</summary>
    private sealed class PlainDriver(IHypervisorDriver inner) : IHypervisorDriver
    {
        public int XmlCalls { get; private set; }
        public DomainXmlFlags? LastFlags { get; private set; }
        public string? UndefineBeforeXml { get; init; }

        public string Uri => inner.Uri;
        public bool IsConnected => inner.IsConnected;
        public Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken) => inner.GetHostInfoAsync(cancellationToken);
        public IAsyncEnumerable<DomainInfo> ListDomainsAsync(Func<string, bool>? include, CancellationToken cancellationToken) =>
            inner.ListDomainsAsync(include, cancellationToken);
        public Task<DomainInfo> LookupDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.LookupDomainAsync(domain, cancellationToken);

        public async Task<string> GetDomainXmlAsync(DomainRef domain, DomainXmlFlags flags, CancellationToken cancellationToken)
        {
            XmlCalls++;
            LastFlags = flags;
            if (domain.Name == UndefineBeforeXml)
            {
                await inner.UndefineDomainAsync(domain, cancellationToken);
            }

            return await inner.GetDomainXmlAsync(domain, flags, cancellationToken);
        }

        public Task<DomainInfo> DefineDomainAsync(string xml, CancellationToken cancellationToken) => inner.DefineDomainAsync(xml, cancellationToken);
        public Task UndefineDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.UndefineDomainAsync(domain, cancellationToken);
        public Task StartDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.StartDomainAsync(domain, cancellationToken);
        public Task ShutdownDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.ShutdownDomainAsync(domain, cancellationToken);
        public Task DestroyDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.DestroyDomainAsync(domain, cancellationToken);
        public Task RebootDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.RebootDomainAsync(domain, cancellationToken);
        public Task SuspendDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.SuspendDomainAsync(domain, cancellationToken);
        public Task ResumeDomainAsync(DomainRef domain, CancellationToken cancellationToken) => inner.ResumeDomainAsync(domain, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
