using System.Xml.Linq;
using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>Loading node files: inline and file= content, test-driver directives, pools, networks and errors.</summary>
public sealed class TestNodeFileTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task CpuAndMemoryDescribeTheNode()
    {
        await using var driver = _node.OpenNode("""
            <cpu><mhz>2600</mhz><model>x86_64</model><nodes>1</nodes><sockets>2</sockets><cores>4</cores><threads>2</threads></cpu>
            <memory>16777216</memory>
            """);
        var info = await driver.GetHostInfoAsync(None);
        Assert.Equal(new NodeInfo("x86_64", 16777216L * 1024, 16, 2600, 1, 2, 4, 2), info.Node);
    }

    [Fact]
    public async Task ActiveLimitsTheCpuCountAndMissingValuesKeepTheDefaults()
    {
        await using var driver = _node.OpenNode("<cpu><cores>4</cores><active>6</active></cpu>");
        var node = (await driver.GetHostInfoAsync(None)).Node;
        Assert.Equal(new NodeInfo("i686", 3145728L * 1024, 6, 1400, 2, 2, 4, 2), node);
    }

    [Fact]
    public async Task DomainsComeInlineOrFromFilesRelativeToTheNodeFile()
    {
        _node.Write("vms/two.xml", "<domain type='test'><name>two</name><memory>1024</memory></domain>");
        var absolute = _node.Write("elsewhere/three.xml", "<domain type='test'><name>three</name><memory>1024</memory></domain>");
        await using var driver = _node.OpenNode($"""
            <domain type='test'><name>one</name><memory>1024</memory></domain>
            <domain file='vms/two.xml'/>
            <domain file='{absolute}'/>
            """);
        var list = await driver.ListDomainsAsync(null, None).ToListAsync();
        Assert.Equal(new[] { ("one", (int?)1), ("two", 2), ("three", 3) }, list.Select(d => (d.Name, d.Id)));
        Assert.All(list, d => Assert.Equal((DomainState.Running, true), (d.State, d.Persistent)));
    }

    [Fact]
    public async Task RunstateAndTransientSetTheStartingStateAndLeaveTheDefinition()
    {
        _node.Write("crashed.xml", $"""
            <domain type='test' xmlns:test='{TestNamespace}'>
              <name>crashed</name><memory>1024</memory>
              <test:runstate>6</test:runstate>
            </domain>
            """);
        await using var driver = _node.OpenNode($"""
            <domain type='test' xmlns:test='{TestNamespace}'><name>off</name><memory>1024</memory><test:runstate>5</test:runstate></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>paused</name><memory>1024</memory><test:runstate>3</test:runstate></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>live</name><memory>1024</memory><test:transient/></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>meta</name><memory>1024</memory>
              <metadata><test:runstate>5</test:runstate></metadata></domain>
            <domain file='crashed.xml'/>
            """);
        var list = (await driver.ListDomainsAsync(null, None).ToListAsync()).ToDictionary(d => d.Name);
        Assert.Equal((DomainState.ShutOff, (int?)null), (list["off"].State, list["off"].Id));
        Assert.Equal((DomainState.Paused, (int?)1), (list["paused"].State, list["paused"].Id));
        Assert.Equal((DomainState.Running, false), (list["live"].State, list["live"].Persistent));
        Assert.Equal(DomainState.ShutOff, list["meta"].State);
        Assert.Equal(DomainState.Crashed, list["crashed"].State);

        foreach (var name in list.Keys)
        {
            var xml = await driver.GetDomainXmlAsync(DomainRef.ByName(name), DomainXmlFlags.None, None);
            Assert.DoesNotContain(TestNamespace, xml);
            Assert.DoesNotContain("metadata", xml);
        }
    }

    [Fact]
    public async Task OtherTestNamespaceContentKeepsItsDeclaration()
    {
        await using var driver = _node.OpenNode($"""
            <domain type='test' xmlns:test='{TestNamespace}'><name>ns</name><memory>1024</memory>
              <test:runstate>1</test:runstate><test:hasmanagedsave>no</test:hasmanagedsave></domain>
            """);
        var xml = XElement.Parse(await driver.GetDomainXmlAsync(DomainRef.ByName("ns"), DomainXmlFlags.None, None));
        Assert.NotNull(xml.Element(XName.Get("hasmanagedsave", TestNamespace)));
        Assert.Null(xml.Element(XName.Get("runstate", TestNamespace)));
    }

    [Fact]
    public async Task NodeDomainsWithoutUuidGetOne()
    {
        await using var driver = _node.OpenNode("<domain type='test'><name>anon</name><memory>1024</memory></domain>");
        var info = await driver.LookupDomainAsync(DomainRef.ByName("anon"), None);
        var xml = XElement.Parse(await driver.GetDomainXmlAsync(DomainRef.ByUuid(info.Uuid), DomainXmlFlags.None, None));
        Assert.Equal(info.Uuid, Guid.Parse(xml.Element("uuid")!.Value));
    }

    [Fact]
    public async Task PoolsHoldTheirVolumesInlineOrFromFiles()
    {
        _node.Write("pools/images.xml", """
            <pool type='dir'><name>images</name><target><path>/srv/images</path></target>
              <volume><name>inside.qcow2</name><capacity unit='GiB'>1</capacity><allocation>4096</allocation></volume>
            </pool>
            """);
        _node.Write("pools/big.xml", "<volume><name>big.raw</name><capacity unit='GiB'>8</capacity><target><format type='raw'/></target></volume>");
        await using var driver = _node.OpenNode("""
            <pool type='logical'>
              <name>vg</name>
              <uuid>0f0e0d0c-0b0a-0908-0706-050403020100</uuid>
              <capacity unit='GiB'>10</capacity>
              <target><path>/dev/vg</path></target>
              <volume><name>lv1</name><capacity>1048576</capacity></volume>
            </pool>
            <pool file='pools/images.xml'>
              <volume file='pools/big.xml'/>
              <volume><name>extra.qcow2</name><key>custom-key</key><target><path>/mnt/extra.qcow2</path><format type='qcow2'/></target></volume>
            </pool>
            """);
        var host = driver.Host;
        Assert.Equal(new[] { "images", "vg" }, host.Pools.Select(p => p.Name));

        var vg = host.FindPool("vg")!;
        Assert.Equal((Guid.Parse("0f0e0d0c-0b0a-0908-0706-050403020100"), "logical", "/dev/vg"), (vg.Uuid, vg.Type, vg.TargetPath));
        Assert.Equal((10L << 30, 1048576L, (10L << 30) - 1048576L), (vg.CapacityBytes, vg.AllocationBytes, vg.AvailableBytes));
        var lv1 = Assert.Single(vg.Volumes);
        Assert.Equal(("/dev/vg/lv1", "/dev/vg/lv1", 1048576L), (lv1.Path, lv1.Key, lv1.CapacityBytes));
        Assert.DoesNotContain("<volume", vg.Xml);

        var images = host.FindPool("images")!;
        Assert.Equal(TestPool.DefaultCapacityBytes, images.CapacityBytes);
        Assert.Equal(new[] { "inside.qcow2", "big.raw", "extra.qcow2" }, images.Volumes.Select(v => v.Name));
        Assert.Equal((1L << 30, 4096L), (images.FindVolume("inside.qcow2")!.CapacityBytes, images.FindVolume("inside.qcow2")!.AllocationBytes));
        var big = images.FindVolume("big.raw")!;
        Assert.Equal(("/srv/images/big.raw", "raw", 8L << 30), (big.Path, big.Format, big.AllocationBytes));
        var extra = images.FindVolume("extra.qcow2")!;
        Assert.Equal(("custom-key", "/mnt/extra.qcow2", "qcow2"), (extra.Key, extra.Path, extra.Format));
        Assert.Equal(4096L + (8L << 30), images.AllocationBytes);
    }

    [Fact]
    public async Task NetworksComeInlineOrFromFiles()
    {
        _node.Write("nets/isolated.xml", "<network><name>isolated</name><bridge name='virbr9'/></network>");
        await using var driver = _node.OpenNode("""
            <network><name>nat</name><uuid>11111111-2222-3333-4444-555555555555</uuid><forward mode='nat'/><bridge name='virbr1'/></network>
            <network file='nets/isolated.xml'/>
            """);
        var nat = driver.Host.FindNetwork("nat")!;
        Assert.Equal((Guid.Parse("11111111-2222-3333-4444-555555555555"), "virbr1", "nat", true), (nat.Uuid, nat.Bridge, nat.ForwardMode, nat.Active));
        var isolated = driver.Host.FindNetwork("isolated")!;
        Assert.Equal(("virbr9", (string?)null), (isolated.Bridge, isolated.ForwardMode));
        Assert.Equal(isolated.Uuid, Guid.Parse(XElement.Parse(isolated.Xml).Element("uuid")!.Value));
    }

    [Fact]
    public void MissingNodeFileIsNoConnectNamingThePath()
    {
        var ex = Assert.Throws<LibVirtException>(() => Open(_node.Uri));
        Assert.Equal((ErrorCode.NoConnect, ErrorDomain.Test), (ex.Code, ex.Domain));
        Assert.Contains(_node.NodePath, ex.Message);
    }

    [Fact]
    public async Task AFailedOpenIsNotRemembered()
    {
        Assert.Throws<LibVirtException>(() => Open(_node.Uri));
        _node.Write("node.xml", "<node><pool type='dir'><name>later</name></pool></node>");
        await using var driver = Open(_node.Uri);
        Assert.Equal("later", Assert.Single(driver.Host.Pools).Name);
    }

    [Fact]
    public void AFolderIsNotANodeFile()
    {
        var ex = Assert.Throws<LibVirtException>(() => Open("test:///" + _node.Folder.TrimStart('/')));
        Assert.Equal(ErrorCode.NoConnect, ex.Code);
        Assert.Contains(_node.Folder, ex.Message);
    }

    [Fact]
    public void MissingReferencedFileIsNoConnectNamingBothFiles()
    {
        var ex = Assert.Throws<LibVirtException>(() => _node.OpenNode("\n<domain file='vms/absent.xml'/>"));
        Assert.Equal(ErrorCode.NoConnect, ex.Code);
        Assert.Contains(Path.Combine(_node.Folder, "vms", "absent.xml"), ex.Message);
        Assert.Contains("line 2", ex.Message);
        Assert.Contains(_node.NodePath, ex.Message);
    }

    [Fact]
    public void MalformedNodeFileNamesTheLine()
    {
        _node.Write("node.xml", "<node>\n  <domain type='test'>\n    <name>x</name>\n  </domian>\n</node>");
        var ex = Assert.Throws<InvalidXmlException>(() => Open(_node.Uri));
        Assert.Equal(4, ex.Line);
        Assert.Contains(_node.NodePath, ex.Message);
    }

    [Fact]
    public void WrongRootElementIsNamed()
    {
        _node.Write("node.xml", "<domain type='test'><name>x</name><memory>1</memory></domain>");
        var ex = Assert.Throws<InvalidXmlException>(() => Open(_node.Uri));
        Assert.Equal((1, "domain"), (ex.Line, ex.Element));
    }

    [Fact]
    public void InvalidDomainInAReferencedFileNamesThatFileLineAndElement()
    {
        var path = _node.Write("bad.xml", "<domain type='test'>\n  <name>bad</name>\n  <memory>lots</memory>\n</domain>");
        var ex = Assert.Throws<InvalidXmlException>(() => _node.OpenNode("<domain file='bad.xml'/>"));
        Assert.Equal((3, "memory"), (ex.Line, ex.Element));
        Assert.Contains(path, ex.Message);
        Assert.EndsWith("(line 3, element <memory>)", ex.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(ex.Message, "line 3"));
    }

    [Theory]
    [InlineData("<cpu>\n<nodes>two</nodes></cpu>", 2, "nodes")]
    [InlineData("<cpu><nodes>1</nodes><sockets>1</sockets><cores>1</cores><threads>1</threads>\n<active>2</active></cpu>", 2, "active")]
    [InlineData("\n<memory unit='parsecs'>1</memory>", 2, "memory")]
    [InlineData("\n<domain type='test'><memory>1024</memory></domain>", 2, "domain")]
    [InlineData("\n<pool><name>p</name></pool>", 2, "pool")]
    [InlineData("\n<network><uuid>not-a-uuid</uuid><name>n</name></network>", 2, "uuid")]
    [InlineData("<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>d</name><memory>1</memory>\n<test:runstate>9</test:runstate></domain>", 2, "runstate")]
    [InlineData("<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>d</name><memory>1</memory><test:runstate>5</test:runstate>\n<test:transient/></domain>", 2, "transient")]
    [InlineData("<domain type='test'><name>d</name><memory>1</memory></domain>\n<domain type='test'><name>d</name><memory>1</memory></domain>", 2, "domain")]
    [InlineData("<pool type='dir'><name>p</name><volume><name>v</name></volume>\n<volume><name>v</name></volume></pool>", 2, "volume")]
    public void InvalidContentNamesLineAndElement(string inner, int line, string element)
    {
        var ex = Assert.Throws<InvalidXmlException>(() => _node.OpenNode(inner));
        Assert.Equal((line, element), (ex.Line, ex.Element));
        Assert.Equal((ErrorCode.XmlError, ErrorDomain.Xml), (ex.Code, ex.Domain));
        Assert.Contains(_node.NodePath, ex.Message);
    }
}
