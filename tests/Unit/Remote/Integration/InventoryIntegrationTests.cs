using System.Runtime.Versioning;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Remote.Integration;

/// <summary>The bulk inventory against the machine's real libvirtd: the same facts and XML as the per-domain calls.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(RealDaemon))]
[SupportedOSPlatform("linux")]
public class InventoryIntegrationTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [LibvirtdFact]
    public async Task InventoryMatchesTheListAndTheXmlCallsOnTheTestDriver()
    {
        await using var driver = await RemoteDriver.OpenAsync(LibvirtUri.Parse("test+unix:///default"), new ConnectOptions(), CancellationToken.None)
            .WaitAsync(Bounded);
        var prefix = "libvirtps-inv-" + Guid.NewGuid().ToString("N")[..8];
        var names = new[] { prefix + "-a", prefix + "-b" };
        try
        {
            await driver.DefineDomainAsync($"<domain type='test'><name>{names[0]}</name><memory unit='MiB'>256</memory>" +
                "<currentMemory unit='MiB'>128</currentMemory><vcpu current='2'>4</vcpu><os><type>hvm</type></os></domain>", CancellationToken.None);
            await driver.DefineDomainAsync($"<domain type='test'><name>{names[1]}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>" +
                "<os><type>hvm</type></os></domain>", CancellationToken.None);

            var listed = await ToListAsync(driver.ListDomainsAsync(null, CancellationToken.None));
            var items = await ToListAsync(driver.ListDomainsWithXmlAsync(DomainXmlFlags.None, null, CancellationToken.None));

            Assert.Equal(listed, items.Select(i => i.Info));
            Assert.Contains(items, i => i.Info.Name == "test" && i.Info.State == DomainState.Running && i.Info.Id is not null);
            foreach (var item in items)
            {
                Assert.NotNull(item.Definition);
                Assert.Equal(await driver.GetDomainXmlAsync(DomainRef.Of(item.Info), DomainXmlFlags.None, CancellationToken.None), item.Xml);
            }

            var mine = await ToListAsync(driver.ListDomainsWithXmlAsync(DomainXmlFlags.Inactive, n => n.StartsWith(prefix, StringComparison.Ordinal),
                CancellationToken.None));
            Assert.Equal(names, mine.Select(i => i.Info.Name).Order(StringComparer.Ordinal));
            var a = mine.Single(i => i.Info.Name == names[0]).Info;
            Assert.Equal((128L << 20, 256L << 20, 2, DomainState.ShutOff), (a.MemoryBytes, a.MaxMemoryBytes, a.VirtualCpus, a.State));
        }
        finally
        {
            foreach (var name in names)
            {
                try
                {
                    await driver.UndefineDomainAsync(DomainRef.ByName(name), CancellationToken.None);
                }
                catch (Engine.Errors.LibVirtException ex) when (ex.Code == Engine.Errors.ErrorCode.NoDomain)
                {
                    // Not defined: the test failed before.
                }
            }
        }
    }
}
