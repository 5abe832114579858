using System.Xml.Linq;
using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>define, redefine and undefine on a private copy of the default host.</summary>
public sealed class TestDriverDefineTests : IAsyncDisposable
{
    /// <summary>The disk of the specification: an NBD export over six backing layers of mixed types and formats.</summary>
    public const string SevenLayerDisk = """
        <disk type='network' device='disk'>
          <driver name='qemu' type='qcow2'/>
          <source protocol='nbd' name='bar'><host transport='unix' socket='/var/run/nbdsock'/></source>
          <backingStore type='block' index='1'><format type='qcow2'/><source dev='/dev/HostVG/QEMUGuest1'/>
            <backingStore type='file' index='2'><format type='qcow2'/><source file='/tmp/image2.qcow'/>
              <backingStore type='file' index='3'><format type='qcow2'/><source file='/tmp/image3.qcow'/>
                <backingStore type='file' index='4'><format type='qcow2'/><source file='/tmp/image4.qcow'/>
                  <backingStore type='file' index='5'><format type='qcow2'/><source file='/tmp/image5.qcow'/>
                    <backingStore type='file' index='6'><format type='raw'/><source file='/tmp/Fedora-17-x86_64-Live-KDE.iso'/>
                      <backingStore/>
                    </backingStore></backingStore></backingStore></backingStore></backingStore></backingStore>
          <target dev='vdb' bus='virtio'/>
        </disk>
        """;

    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestDriver _driver = FreshDefault();

    public ValueTask DisposeAsync() => _driver.DisposeAsync();

    [Fact]
    public async Task DefiningANewNameCreatesAPersistentShutOffDomain()
    {
        var uuid = Guid.NewGuid();
        var info = await _driver.DefineDomainAsync(MinimalDomain("fresh", uuid, memory: "2048"), None);
        Assert.Equal(new DomainInfo("fresh", uuid, null, DomainState.ShutOff, 2048L * 1024, 2048L * 1024, 1, true, false), info);
        Assert.Equal(info, await _driver.LookupDomainAsync(DomainRef.ByName("fresh"), None));
    }

    [Fact]
    public async Task DefiningWithoutUuidGeneratesOneAndWritesItIntoTheXml()
    {
        var info = await _driver.DefineDomainAsync(MinimalDomain("nouuid"), None);
        Assert.NotEqual(Guid.Empty, info.Uuid);
        var xml = XElement.Parse(await _driver.GetDomainXmlAsync(DomainRef.ByName("nouuid"), DomainXmlFlags.None, None));
        Assert.Equal(info.Uuid, Guid.Parse(xml.Element("uuid")!.Value));
        Assert.Equal(new[] { "name", "uuid" }, xml.Elements().Take(2).Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task RedefiningAnInactiveDomainReplacesItsDefinition()
    {
        var uuid = Guid.NewGuid();
        await _driver.DefineDomainAsync(MinimalDomain("redo", uuid, memory: "1024"), None);
        var info = await _driver.DefineDomainAsync(MinimalDomain("redo", uuid, memory: "4096"), None);
        Assert.Equal(4096L * 1024, info.MaxMemoryBytes);
        var xml = XElement.Parse(await _driver.GetDomainXmlAsync(DomainRef.ByName("redo"), DomainXmlFlags.None, None));
        Assert.Equal("4096", xml.Element("memory")!.Value);
    }

    [Fact]
    public async Task RedefiningARunningDomainKeepsTheLiveDefinitionUntilItStops()
    {
        var uuid = Guid.NewGuid();
        await _driver.DefineDomainAsync(MinimalDomain("busy", uuid, memory: "1024"), None);
        await _driver.StartDomainAsync(DomainRef.ByName("busy"), None);
        var info = await _driver.DefineDomainAsync(MinimalDomain("busy", uuid, memory: "8192"), None);
        Assert.Equal((DomainState.Running, 1024L * 1024), (info.State, info.MaxMemoryBytes));
        Assert.Equal("1024", await Memory("busy", DomainXmlFlags.None));
        Assert.Equal("8192", await Memory("busy", DomainXmlFlags.Inactive));

        await _driver.DestroyDomainAsync(DomainRef.ByName("busy"), None);
        Assert.Equal("8192", await Memory("busy", DomainXmlFlags.None));
        Assert.Equal(8192L * 1024, (await _driver.LookupDomainAsync(DomainRef.ByName("busy"), None)).MaxMemoryBytes);
    }

    [Fact]
    public async Task DefiningTheDefaultDomainAgainKeepsItRunning()
    {
        var xml = await _driver.GetDomainXmlAsync(DomainRef.ByName("test"), DomainXmlFlags.Inactive, None);
        var info = await _driver.DefineDomainAsync(xml, None);
        Assert.Equal((DomainState.Running, (int?)1, true), (info.State, info.Id, info.Persistent));
    }

    [Fact]
    public async Task SameNameWithAnotherUuidFailsNamingBoth()
    {
        var other = Guid.NewGuid();
        var ex = await Expect(ErrorCode.OperationFailed, () => _driver.DefineDomainAsync(MinimalDomain("test", other), None));
        Assert.Contains("'test'", ex.Message);
        Assert.Contains("6695eb01-f6a4-8304-79aa-97f2502e193f", ex.Message);
        Assert.Contains(other.ToString("D"), ex.Message);
    }

    [Fact]
    public async Task SameNameWithoutUuidFails()
    {
        var ex = await Expect(ErrorCode.OperationFailed, () => _driver.DefineDomainAsync(MinimalDomain("test"), None));
        Assert.Contains("'test'", ex.Message);
    }

    [Fact]
    public async Task SameUuidWithAnotherNameFailsNamingBoth()
    {
        var uuid = Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f");
        var ex = await Expect(ErrorCode.OperationFailed, () => _driver.DefineDomainAsync(MinimalDomain("impostor", uuid), None));
        Assert.Contains("'test'", ex.Message);
        Assert.Contains("'impostor'", ex.Message);
        await Expect(ErrorCode.NoDomain, () => _driver.LookupDomainAsync(DomainRef.ByName("impostor"), None));
    }

    [Theory]
    [InlineData("<domain type='test'><name>broken</name>")]
    [InlineData("<domain type='test'><name>broken</name></domain>")]
    [InlineData("<domain><name>broken</name><memory>1</memory></domain>")]
    [InlineData("<network><name>broken</name></network>")]
    public async Task InvalidXmlIsRefusedAndChangesNothing(string xml)
    {
        var before = await _driver.ListDomainsAsync(null, None).ToListAsync();
        await Assert.ThrowsAsync<InvalidXmlException>(() => _driver.DefineDomainAsync(xml, None));
        Assert.Equal(before, await _driver.ListDomainsAsync(null, None).ToListAsync());
    }

    [Fact]
    public async Task UndefiningAnInactiveDomainRemovesIt()
    {
        await _driver.DefineDomainAsync(MinimalDomain("gone"), None);
        await _driver.UndefineDomainAsync(DomainRef.ByName("gone"), None);
        await Expect(ErrorCode.NoDomain, () => _driver.LookupDomainAsync(DomainRef.ByName("gone"), None));
    }

    [Fact]
    public async Task UndefiningAnActiveDomainMakesItTransientUntilItStops()
    {
        await _driver.UndefineDomainAsync(DomainRef.ByName("test"), None);
        var test = await _driver.LookupDomainAsync(DomainRef.ByName("test"), None);
        Assert.Equal((DomainState.Running, (int?)1, false), (test.State, test.Id, test.Persistent));

        var ex = await Expect(ErrorCode.OperationInvalid, () => _driver.UndefineDomainAsync(DomainRef.ByName("test"), None));
        Assert.Contains("transient", ex.Message);

        await _driver.ShutdownDomainAsync(DomainRef.ByName("test"), None);
        await Expect(ErrorCode.NoDomain, () => _driver.LookupDomainAsync(DomainRef.ByName("test"), None));
    }

    [Fact]
    public async Task DefiningATransientDomainMakesItPersistentAgain()
    {
        await _driver.UndefineDomainAsync(DomainRef.ByName("test"), None);
        var xml = await _driver.GetDomainXmlAsync(DomainRef.ByName("test"), DomainXmlFlags.Inactive, None);
        Assert.True((await _driver.DefineDomainAsync(xml, None)).Persistent);
        await _driver.DestroyDomainAsync(DomainRef.ByName("test"), None);
        Assert.Equal(DomainState.ShutOff, (await _driver.LookupDomainAsync(DomainRef.ByName("test"), None)).State);
    }

    [Fact]
    public async Task TheSevenLayerChainComesBackExactlyAsDefined()
    {
        var uuid = Guid.NewGuid();
        await _driver.DefineDomainAsync(MinimalDomain("chain7", uuid, devices: SevenLayerDisk), None);
        await AssertDiskAsDefined(DomainXmlFlags.None);
        await _driver.StartDomainAsync(DomainRef.ByUuid(uuid), None);
        await AssertDiskAsDefined(DomainXmlFlags.None);
        await AssertDiskAsDefined(DomainXmlFlags.Inactive);

        var parsed = DomainXml.Parse(await _driver.GetDomainXmlAsync(DomainRef.ByUuid(uuid), DomainXmlFlags.None, None));
        var layers = Assert.Single(parsed.Disks).Source.Layers().ToList();
        Assert.Equal(new[] { "network", "block", "file", "file", "file", "file", "file" }, layers.Select(l => l.Type));
        Assert.Equal(new int?[] { null, 1, 2, 3, 4, 5, 6 }, layers.Select(l => l.Index));
        Assert.Equal("/tmp/Fedora-17-x86_64-Live-KDE.iso", layers[^1].Path);
        Assert.True(layers[^1].ChainClosed);

        async Task AssertDiskAsDefined(DomainXmlFlags flags)
        {
            var xml = await _driver.GetDomainXmlAsync(DomainRef.ByUuid(uuid), flags, None);
            var disk = XElement.Parse(xml).Element("devices")!.Element("disk")!;
            Assert.True(XNode.DeepEquals(XElement.Parse(SevenLayerDisk), disk), disk.ToString());
        }
    }

    [Fact]
    public async Task GraphicsPasswordsAppearOnlyWithTheSecureFlag()
    {
        var graphics = "<graphics type='vnc' port='-1' passwd='s3cret'/>";
        await _driver.DefineDomainAsync(MinimalDomain("vnc", devices: graphics), None);
        var plain = await _driver.GetDomainXmlAsync(DomainRef.ByName("vnc"), DomainXmlFlags.None, None);
        var secure = await _driver.GetDomainXmlAsync(DomainRef.ByName("vnc"), DomainXmlFlags.Secure, None);
        Assert.DoesNotContain("s3cret", plain);
        Assert.Contains("passwd='s3cret'", secure);
    }

    private async Task<string> Memory(string name, DomainXmlFlags flags) =>
        XElement.Parse(await _driver.GetDomainXmlAsync(DomainRef.ByName(name), flags, None)).Element("memory")!.Value;

    private static async Task<LibVirtException> Expect(ErrorCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<LibVirtException>(call);
        Assert.Equal((code, ErrorDomain.Test), (ex.Code, ex.Domain));
        return ex;
    }
}
