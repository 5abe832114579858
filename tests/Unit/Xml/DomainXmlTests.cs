using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Xml;

/// <summary>Domain parse defaults and the write-back of changed values, which leaves unchanged ones as written.</summary>
public sealed class DomainXmlTests
{
    private const string Guest = """
        <domain type='kvm'>
          <name>guest</name>
          <memory unit='GiB'>4</memory>
          <currentMemory unit='GiB'>2</currentMemory>
          <vcpu placement='static'>2</vcpu>
          <devices>
            <disk type='file' device='disk'>
              <source file='/img/a.qcow2'/>
              <target dev='vda'/>
            </disk>
            <interface type='network'>
              <source network='default'/>
            </interface>
            <disk type='file' device='disk'>
              <source file='/img/b.qcow2'/>
              <target dev='vdb'/>
            </disk>
          </devices>
        </domain>
        """;

    [Fact]
    public void ReadsSizesAndCounts()
    {
        var domain = DomainXml.Parse(Guest);

        Assert.Equal(4L << 30, domain.MaxMemoryBytes);
        Assert.Equal(2L << 30, domain.MemoryBytes);
        Assert.Equal(2, domain.VirtualCpus);
        Assert.Null(domain.Uuid);
        Assert.Equal(new[] { "vda", "vdb" }, domain.Disks.Select(d => d.Target));
    }

    [Fact]
    public void WithoutCurrentMemoryAllMemoryIsCurrent()
    {
        var domain = DomainXml.Parse("<domain type='test'><name>x</name><memory>1024</memory></domain>");

        Assert.Equal(1L << 20, domain.MemoryBytes);
        Assert.Equal(1, domain.VirtualCpus);
    }

    [Fact]
    public void ChangedSizesAreWrittenInKiBAndUnchangedOnesKeepTheirUnit()
    {
        var domain = DomainXml.Parse(Guest);

        var root = XElement.Parse(DomainXml.Format(domain with { MemoryBytes = 1L << 30, VirtualCpus = 3 }));

        Assert.Equal("GiB", (string?)root.Element("memory")!.Attribute("unit"));
        Assert.Equal("4", root.Element("memory")!.Value);
        Assert.Equal("KiB", (string?)root.Element("currentMemory")!.Attribute("unit"));
        Assert.Equal("1048576", root.Element("currentMemory")!.Value);
        Assert.Equal("3", root.Element("vcpu")!.Value);
        Assert.Equal("static", (string?)root.Element("vcpu")!.Attribute("placement"));
    }

    [Fact]
    public void MissingElementsAreAddedWhenTheModelNeedsThem()
    {
        var domain = DomainXml.Parse("<domain type='test'><name>x</name><memory>1024</memory></domain>");

        var root = XElement.Parse(DomainXml.Format(domain with { MemoryBytes = 512 * 1024, VirtualCpus = 2, Uuid = Guid.Parse("c7a5fdbd-edaf-9455-926a-d65c16db1809") }));

        Assert.Equal(new[] { "name", "uuid", "memory", "currentMemory", "vcpu" }, root.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("512", root.Element("currentMemory")!.Value);
        Assert.Equal(512 * 1024, DomainXml.Parse(root.ToString()).MemoryBytes);
    }

    [Fact]
    public void DisksStayBetweenTheDevicesTheyWereBetween()
    {
        var domain = DomainXml.Parse(Guest);
        var renamed = domain.Disks[1] with { Source = domain.Disks[1].Source with { Path = "/img/c.qcow2" } };

        var devices = XElement.Parse(DomainXml.Format(domain with { Disks = new[] { domain.Disks[0], renamed } })).Element("devices")!;

        Assert.Equal(new[] { "disk", "interface", "disk" }, devices.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("/img/c.qcow2", (string?)devices.Elements("disk").Last().Element("source")!.Attribute("file"));
    }

    [Fact]
    public void AddedDisksFollowTheLastDiskAndRemovedDisksGo()
    {
        var domain = DomainXml.Parse(Guest);
        var extra = new DiskDefinition { Target = "vdc", Source = new StorageSource { Type = "block", Path = "/dev/sdz" } };

        var more = XElement.Parse(DomainXml.Format(domain with { Disks = domain.Disks.Append(extra).ToList() })).Element("devices")!;
        var fewer = XElement.Parse(DomainXml.Format(domain with { Disks = domain.Disks.Take(1).ToList() })).Element("devices")!;

        Assert.Equal(new[] { "disk", "interface", "disk", "disk" }, more.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("/dev/sdz", (string?)more.Elements("disk").Last().Element("source")!.Attribute("dev"));
        Assert.Equal(new[] { "disk", "interface" }, fewer.Elements().Select(e => e.Name.LocalName));
    }

    [Theory]
    [InlineData("<domain type='kvm'><name>a/b</name><memory>1</memory></domain>", "name")]
    [InlineData("<domain type='kvm'><name>  </name><memory>1</memory></domain>", "name")]
    [InlineData("<domain type='kvm'><name>x</name></domain>", "domain")]
    [InlineData("<domain type='kvm'><name>x</name><memory>1</memory><vcpu>0</vcpu></domain>", "vcpu")]
    [InlineData("<domain type='kvm'><name>x</name><memory>1</memory><vcpu>two</vcpu></domain>", "vcpu")]
    [InlineData("<network><name>x</name></network>", "network")]
    public void RefusesDefinitionsLibvirtRefuses(string xml, string element)
    {
        var ex = Assert.Throws<InvalidXmlException>(() => DomainXml.Parse(xml));

        Assert.Equal(element, ex.Element);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void AnEmptyDocumentIsInvalidXml()
    {
        Assert.Throws<InvalidXmlException>(() => DomainXml.Parse("  "));
    }
}
