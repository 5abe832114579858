using System.Xml.Linq;
using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Xml;

/// <summary>Formatting rewrites only what the model changed, and a disk built from scratch formats to valid XML.</summary>
public sealed class DiskXmlTests
{
    private const string RbdDisk = """
        <disk type='network' device='disk'>
          <driver name='qemu' type='raw'/>
          <source protocol='rbd' name='pool/image'>
            <host name='mon1' port='6789'/>
            <host port='6789' name='mon2'/>
            <config file='/etc/ceph/ceph.conf'/>
          </source>
          <target dev='vda' bus='virtio'/>
        </disk>
        """;

    private const string ChainDisk = """
        <disk type='file' device='disk'>
          <driver name='qemu' type='qcow2'/>
          <source file='/img/top.qcow2'/>
          <backingStore type='file' index='1'>
            <format type='qcow2'/>
            <source file='/img/mid.qcow2'>
              <seclabel model='dac' relabel='no'/>
            </source>
            <backingStore type='block' index='2'>
              <format type='raw'/>
              <source dev='/dev/vg/base'/>
              <backingStore/>
            </backingStore>
          </backingStore>
          <target dev='vda' bus='virtio'/>
        </disk>
        """;

    [Fact]
    public void ParsesTheChainLayerByLayer()
    {
        var disk = DiskXml.Parse(XElement.Parse(ChainDisk));
        var layers = disk.Source.Layers().ToList();

        Assert.Equal(new[] { "/img/top.qcow2", "/img/mid.qcow2", "/dev/vg/base" }, layers.Select(l => l.Path));
        Assert.Equal(new[] { "file", "file", "block" }, layers.Select(l => l.Type));
        Assert.Equal(new[] { "qcow2", "qcow2", "raw" }, layers.Select(l => l.Format));
        Assert.Equal(new int?[] { null, 1, 2 }, layers.Select(l => l.Index));
        Assert.True(layers[^1].ChainClosed);
        Assert.False(layers[0].ChainClosed);
    }

    [Fact]
    public void ChangingOneHostLeavesTheOtherAsWritten()
    {
        var disk = DiskXml.Parse(XElement.Parse(RbdDisk));
        var changed = disk with
        {
            Source = disk.Source with { Hosts = new[] { new NetworkHost("mon1-new", 6790, null, null), disk.Source.Hosts[1] } },
        };

        var hosts = DiskXml.Format(changed).Element("source")!.Elements("host").ToList();

        Assert.Equal("<host name=\"mon1-new\" port=\"6790\" />", hosts[0].ToString());
        Assert.Equal(new[] { "port", "name" }, hosts[1].Attributes().Select(a => a.Name.LocalName));
        Assert.Equal("config", DiskXml.Format(changed).Element("source")!.Elements().Last().Name.LocalName);
    }

    [Fact]
    public void AddedHostsFollowTheLastHostAndDroppedHostsGo()
    {
        var disk = DiskXml.Parse(XElement.Parse(RbdDisk));
        var three = disk with { Source = disk.Source with { Hosts = disk.Source.Hosts.Append(new NetworkHost("mon3", null, null, null)).ToList() } };
        var one = disk with { Source = disk.Source with { Hosts = disk.Source.Hosts.Take(1).ToList() } };

        var names = DiskXml.Format(three).Element("source")!.Elements().Select(e => (string?)e.Attribute("name") ?? e.Name.LocalName);
        Assert.Equal(new[] { "mon1", "mon2", "mon3", "config" }, names);
        Assert.Single(DiskXml.Format(one).Element("source")!.Elements("host"));
    }

    [Fact]
    public void ChangingADeepLayerRewritesOnlyThatLayer()
    {
        var disk = DiskXml.Parse(XElement.Parse(ChainDisk));
        var mid = disk.Source.BackingStore!;
        var changed = disk with
        {
            Source = disk.Source with
            {
                BackingStore = mid with { Path = "/img/mid-renamed.qcow2", BackingStore = mid.BackingStore! with { Format = "qcow2" } },
            },
        };

        var element = DiskXml.Format(changed);
        var reparsed = DiskXml.Parse(element);

        Assert.Equal("/img/mid-renamed.qcow2", reparsed.Source.BackingStore!.Path);
        Assert.Equal("qcow2", reparsed.Source.BackingStore.BackingStore!.Format);
        Assert.NotNull(element.Element("backingStore")!.Element("source")!.Element("seclabel"));
        Assert.True(reparsed.Source.BackingStore.BackingStore.ChainClosed);
    }

    [Fact]
    public void ChangingTheTypeLeavesNoStalePathAttribute()
    {
        var disk = DiskXml.Parse(XElement.Parse(ChainDisk));
        var block = disk with { Source = disk.Source with { Type = "block", Path = "/dev/vg/top" } };

        var source = DiskXml.Format(block).Element("source")!;

        Assert.Equal("/dev/vg/top", (string?)source.Attribute("dev"));
        Assert.Null(source.Attribute("file"));
        Assert.Equal("block", (string?)DiskXml.Format(block).Attribute("type"));
    }

    [Fact]
    public void ADiskBuiltFromScratchFormatsToAnEquivalentDisk()
    {
        var parsed = DiskXml.Parse(XElement.Parse(ChainDisk));
        var scratch = new DiskDefinition
        {
            Device = parsed.Device,
            Target = parsed.Target,
            Bus = parsed.Bus,
            DriverName = parsed.DriverName,
            Source = Strip(parsed.Source),
        };

        var reparsed = DiskXml.Parse(DiskXml.Format(scratch));

        Assert.Equal(Describe(parsed.Source), Describe(reparsed.Source));
        Assert.Equal("vda", reparsed.Target);
        Assert.Equal("virtio", reparsed.Bus);
    }

    [Fact]
    public void ReadOnlyIsAddedAndRemoved()
    {
        var disk = DiskXml.Parse(XElement.Parse(ChainDisk));

        Assert.NotNull(DiskXml.Format(disk with { ReadOnly = true }).Element("readonly"));
        Assert.Null(DiskXml.Format(disk with { ReadOnly = false }).Element("readonly"));
    }

    [Fact]
    public void NetworkPathsReadAsUris()
    {
        var tcp = new StorageSource
        {
            Type = "network", Protocol = "nbd", NetworkName = "export", Hosts = new[] { new NetworkHost("nbd.example", 10809, "tcp", null) },
        };
        var ipv6 = tcp with { Hosts = new[] { new NetworkHost("2001:db8::1", 10809, null, null) } };
        var unix = tcp with { NetworkName = "bar", Hosts = new[] { new NetworkHost(null, null, "unix", "/var/run/nbdsock") } };
        var volume = new StorageSource { Type = "volume", Pool = "default", Volume = "disk.qcow2" };

        Assert.Equal("nbd://nbd.example:10809/export", tcp.DisplayPath);
        Assert.Equal("nbd://[2001:db8::1]:10809/export", ipv6.DisplayPath);
        Assert.Equal("nbd+unix:///bar?socket=/var/run/nbdsock", unix.DisplayPath);
        Assert.Equal("default/disk.qcow2", volume.DisplayPath);
    }

    private static StorageSource Strip(StorageSource source) => source with
    {
        SourceElement = null,
        BackingElement = null,
        BackingStore = source.BackingStore is null ? null : Strip(source.BackingStore),
    };

    private static string[] Describe(StorageSource source) =>
        source.Layers().Select(l => $"{l.Type}|{l.Format}|{l.Path}|{l.Index}|{l.ChainClosed}").ToArray();
}
