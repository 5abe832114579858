using System.Net;
using System.Xml.Linq;
using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>What test:///default holds, and how connections share hosts.</summary>
public class TestDriverTests
{
    private static readonly Guid TestUuid = Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f");

    [Fact]
    public async Task DefaultHostReportsTheTestHypervisorAndItsNode()
    {
        await using var driver = FreshDefault();
        var info = await driver.GetHostInfoAsync(CancellationToken.None);
        Assert.Equal("TEST", info.HypervisorType);
        Assert.Equal(new Version(0, 0, 2), info.HypervisorVersion);
        Assert.Equal(typeof(DomainXml).Assembly.GetName().Version, info.LibvirtVersion);
        Assert.Equal(Dns.GetHostName(), info.Hostname);
        Assert.Equal(new NodeInfo("i686", 3145728L * 1024, 16, 1400, 2, 2, 2, 2), info.Node);
    }

    [Fact]
    public async Task DefaultHostHoldsTheRunningDomainTest()
    {
        await using var driver = FreshDefault();
        var domains = await driver.ListDomainsAsync(null, CancellationToken.None).ToListAsync();
        var test = Assert.Single(domains);
        Assert.Equal(new DomainInfo("test", TestUuid, 1, DomainState.Running, 2097152L * 1024, 8388608L * 1024, 2, true, false), test);
        Assert.Equal(test, await driver.LookupDomainAsync(DomainRef.ByUuid(TestUuid), CancellationToken.None));
    }

    [Fact]
    public async Task DefaultDomainXmlHasTheFactsOfLibvirtsTestDomain()
    {
        await using var driver = FreshDefault();
        var xml = await driver.GetDomainXmlAsync(DomainRef.ByName("test"), DomainXmlFlags.None, CancellationToken.None);
        var root = XElement.Parse(xml);
        Assert.Equal("test", root.Attribute("type")?.Value);
        Assert.Equal("1", root.Attribute("id")?.Value);
        Assert.Equal(new[] { "type", "id" }, root.Attributes().Select(a => a.Name.LocalName));
        Assert.Equal("6695eb01-f6a4-8304-79aa-97f2502e193f", root.Element("uuid")?.Value);
        Assert.Equal("8388608", root.Element("memory")?.Value);
        Assert.Equal("2097152", root.Element("currentMemory")?.Value);
        Assert.Equal("2", root.Element("vcpu")?.Value);
        var osType = root.Element("os")!.Element("type")!;
        Assert.Equal(("hvm", "i686"), (osType.Value, osType.Attribute("arch")?.Value));

        var devices = root.Element("devices")!;
        var disk = Assert.Single(devices.Elements("disk"));
        Assert.True(XNode.DeepEquals(
            XElement.Parse("<disk type='file' device='disk'><source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>"), disk));
        var nic = Assert.Single(devices.Elements("interface"));
        Assert.True(XNode.DeepEquals(
            XElement.Parse("<interface type='network'><mac address='aa:bb:cc:dd:ee:ff'/><source network='default'/><target dev='testnet0'/></interface>"), nic));
        Assert.Equal("virtio", devices.Element("memballoon")?.Attribute("model")?.Value);
    }

    [Fact]
    public async Task DomainXmlIsWrittenLikeLibvirtWithSingleQuotesAndIndentation()
    {
        await using var driver = FreshDefault();
        var xml = await driver.GetDomainXmlAsync(DomainRef.ByName("test"), DomainXmlFlags.None, CancellationToken.None);
        Assert.StartsWith("<domain type='test' id='1'>\n  <name>test</name>\n", xml.Replace("\r\n", "\n"));
        Assert.Contains("\n  <clock offset='utc'/>\n", xml.Replace("\r\n", "\n"));
        Assert.EndsWith("</domain>\n", xml);
    }

    [Fact]
    public async Task CommentsAndCdataComeBackVerbatim()
    {
        await using var driver = FreshDefault();
        await driver.DefineDomainAsync(MinimalDomain("commented", extra: "<!-- keep /> this --><description><![CDATA[a /> b]]></description>"), CancellationToken.None);
        var xml = await driver.GetDomainXmlAsync(DomainRef.ByName("commented"), DomainXmlFlags.None, CancellationToken.None);
        Assert.Contains("<!-- keep /> this -->", xml);
        Assert.Contains("<![CDATA[a /> b]]>", xml);
        Assert.Equal("a /> b", XElement.Parse(xml).Element("description")!.Value);
    }

    [Fact]
    public async Task DefaultHostHoldsThePoolDefaultPool()
    {
        await using var driver = FreshDefault();
        var pool = Assert.Single(driver.Host.Pools);
        Assert.Equal("default-pool", pool.Name);
        Assert.Equal(Guid.Parse("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566"), pool.Uuid);
        Assert.Equal(("dir", "/default-pool", true, true), (pool.Type, pool.TargetPath, pool.Active, pool.Persistent));
        Assert.Empty(pool.Volumes);
        Assert.Equal(TestPool.DefaultCapacityBytes, pool.CapacityBytes);
        Assert.Same(pool, driver.Host.FindPool("default-pool"));
        Assert.Contains("<path>/default-pool</path>", pool.Xml);
    }

    [Fact]
    public async Task DefaultHostHoldsTheNetworkDefault()
    {
        await using var driver = FreshDefault();
        var network = Assert.Single(driver.Host.Networks);
        Assert.Equal(("default", "virbr0", true, true), (network.Name, network.Bridge, network.Active, network.Persistent));
        Assert.Same(network, driver.Host.FindNetwork("default"));
        var ip = XElement.Parse(network.Xml).Element("ip")!;
        Assert.Equal(("192.168.122.1", "255.255.255.0"), (ip.Attribute("address")?.Value, ip.Attribute("netmask")?.Value));
        var range = ip.Element("dhcp")!.Element("range")!;
        Assert.Equal(("192.168.122.2", "192.168.122.254"), (range.Attribute("start")?.Value, range.Attribute("end")?.Value));
    }

    [Fact]
    public async Task NextDomainStartedOnTheDefaultHostGetsIdTwo()
    {
        await using var driver = FreshDefault();
        var defined = await driver.DefineDomainAsync(MinimalDomain("second"), CancellationToken.None);
        await driver.StartDomainAsync(DomainRef.Of(defined), CancellationToken.None);
        Assert.Equal(2, (await driver.LookupDomainAsync(DomainRef.ByName("second"), CancellationToken.None)).Id);
    }

    [Fact]
    public async Task OpeningTestDefaultGivesTheSharedDefaultHost()
    {
        await using var first = Open("test:///default");
        await using var second = Open("test:///default");
        Assert.Same(first.Host, second.Host);
        Assert.Equal("test:///default", first.Uri);
        var test = await first.LookupDomainAsync(DomainRef.ByName("test"), CancellationToken.None);
        Assert.Equal(TestUuid, test.Uuid);
        Assert.Equal("default-pool", Assert.Single(first.Host.Pools).Name);
    }

    [Fact]
    public async Task ConnectionsToTheSameUriShareState()
    {
        var name = "xunit-shared-" + Guid.NewGuid().ToString("N");
        await using var first = Open("test:///default");
        await using var second = Open("test:///default");
        await first.DefineDomainAsync(MinimalDomain(name), CancellationToken.None);
        try
        {
            var seen = await second.LookupDomainAsync(DomainRef.ByName(name), CancellationToken.None);
            Assert.Equal(DomainState.ShutOff, seen.State);
            Assert.Contains(await second.ListDomainsAsync(null, CancellationToken.None).ToListAsync(), d => d.Name == name);
        }
        finally
        {
            await second.UndefineDomainAsync(DomainRef.ByName(name), CancellationToken.None);
        }

        await Assert.ThrowsAsync<LibVirtException>(() => first.LookupDomainAsync(DomainRef.ByName(name), CancellationToken.None));
    }

    [Fact]
    public async Task DisposingAConnectionKeepsTheHostAndClosesOnlyThatConnection()
    {
        using var node = new TempNode();
        var first = node.OpenNode("<domain type='test'><name>keep</name><memory>1024</memory></domain>");
        await first.SuspendDomainAsync(DomainRef.ByName("keep"), CancellationToken.None);
        await first.DisposeAsync();
        Assert.False(first.IsConnected);
        var closed = await Assert.ThrowsAsync<LibVirtException>(() => first.LookupDomainAsync(DomainRef.ByName("keep"), CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidConn, closed.Code);

        await using var again = Open(node.Uri);
        Assert.True(again.IsConnected);
        Assert.Same(first.Host, again.Host);
        Assert.Equal(DomainState.Paused, (await again.LookupDomainAsync(DomainRef.ByName("keep"), CancellationToken.None)).State);
    }

    [Fact]
    public async Task DifferentSpellingsOfOneNodeFilePathShareOneHost()
    {
        using var node = new TempNode();
        await using var direct = node.OpenNode("");
        Directory.CreateDirectory(Path.Combine(node.Folder, "sub"));
        await using var roundabout = Open("test:///" + Path.Combine(node.Folder, "sub", "..", "node.xml").TrimStart('/'));
        Assert.Same(direct.Host, roundabout.Host);
    }

    [Fact]
    public void RelativeNodeFilePathIsRefused()
    {
        var uri = LibvirtUri.Parse("test:///default") with { Original = "test:lab.xml", Path = "lab.xml" };
        var ex = Assert.Throws<LibVirtException>(() => TestDriver.Open(uri));
        Assert.Equal((ErrorCode.NoConnect, ErrorDomain.Test), (ex.Code, ex.Domain));
        Assert.Contains("'lab.xml'", ex.Message);
        Assert.Contains("absolute", ex.Message);
    }

    [Fact]
    public async Task FactoryOpensTheTestDriverForTestUris()
    {
        var factory = new TestDriverFactory();
        Assert.Equal(DriverKind.Embedded, factory.Kind);
        await using var driver = await factory.OpenAsync(LibvirtUri.Parse("test:///default"), new ConnectOptions(), CancellationToken.None);
        Assert.IsType<TestDriver>(driver);
    }

    [Fact]
    public async Task CancelledCallsDoNotRun()
    {
        await using var driver = FreshDefault();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => driver.DestroyDomainAsync(DomainRef.ByName("test"), cancelled.Token));
        Assert.Equal(DomainState.Running, (await driver.LookupDomainAsync(DomainRef.ByName("test"), CancellationToken.None)).State);
    }

    [Fact]
    public async Task ConcurrentStartsGiveDistinctIds()
    {
        await using var driver = FreshDefault();
        var names = Enumerable.Range(0, 32).Select(i => $"par{i}").ToList();
        foreach (var name in names)
        {
            await driver.DefineDomainAsync(MinimalDomain(name), CancellationToken.None);
        }

        await Task.WhenAll(names.Select(n => Task.Run(() => driver.StartDomainAsync(DomainRef.ByName(n), CancellationToken.None))));
        var ids = (await driver.ListDomainsAsync(null, CancellationToken.None).ToListAsync()).Select(d => d.Id!.Value).ToList();
        Assert.Equal(Enumerable.Range(1, 33), ids);
    }
}
