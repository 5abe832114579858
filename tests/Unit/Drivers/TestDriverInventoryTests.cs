using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>The embedded test hypervisor's inventory: the same facts and XML as the list and the XML calls give.</summary>
public class TestDriverInventoryTests
{
    private static async Task<List<DomainInventoryItem>> InventoryAsync(IDomainInventory driver, DomainXmlFlags flags, Func<string, bool>? include = null)
    {
        var items = new List<DomainInventoryItem>();
        await foreach (var item in driver.ListDomainsWithXmlAsync(flags, include, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public async Task InventoryEqualsTheListAndEachDomainsXml()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("inv-b", memory: "2048"), CancellationToken.None);
        await driver.DefineDomainAsync(MinimalDomain("inv-a", memory: "4096"), CancellationToken.None);
        var listed = await driver.ListDomainsAsync(null, CancellationToken.None).ToListAsync();

        var items = await InventoryAsync(driver, DomainXmlFlags.None);

        Assert.Equal(listed, items.Select(i => i.Info));
        foreach (var item in items)
        {
            Assert.Equal(await driver.GetDomainXmlAsync(DomainRef.Of(item.Info), DomainXmlFlags.None, CancellationToken.None), item.Xml);
            Assert.Equal(item.Info.Name, item.Definition?.Name);
            Assert.Equal(item.Info.MaxMemoryBytes, item.Definition?.MaxMemoryBytes);
        }

        Assert.Equal(new[] { "test", "inv-a", "inv-b" }, items.Select(i => i.Info.Name));
    }

    [Fact]
    public async Task InactiveFlagGivesThePersistentDefinitionAndTheFilterSelects()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("inv-other"), CancellationToken.None);

        var items = await InventoryAsync(driver, DomainXmlFlags.Inactive, name => name == "test");

        var test = Assert.Single(items);
        Assert.Equal(DomainState.Running, test.Info.State);
        Assert.DoesNotContain("id=", test.Xml.Split('>')[0]);
        Assert.Equal(await driver.GetDomainXmlAsync(DomainRef.ByName("test"), DomainXmlFlags.Inactive, CancellationToken.None), test.Xml);
    }

    [Fact]
    public async Task AClosedConnectionFails()
    {
        var driver = FreshDefault();
        await driver.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => InventoryAsync(driver, DomainXmlFlags.None));
    }
}
