using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Xml;

/// <summary>Every XML enum has one complete, unambiguous string table.</summary>
public sealed class EnumMapTests
{
    [Fact]
    public void StorageTypesRoundTrip() => AssertRoundTrips(XmlEnums.StorageTypes);

    [Fact]
    public void DiskDevicesRoundTrip() => AssertRoundTrips(XmlEnums.DiskDevices);

    [Fact]
    public void NetworkProtocolsRoundTrip() => AssertRoundTrips(XmlEnums.NetworkProtocols);

    [Fact]
    public void HostTransportsRoundTrip() => AssertRoundTrips(XmlEnums.HostTransports);

    [Fact]
    public void TheTablesSpellLibvirtsNames()
    {
        Assert.Equal(new[] { "file", "block", "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa" }, XmlEnums.StorageTypes.Names);
        Assert.Equal(new[] { "disk", "cdrom", "floppy", "lun" }, XmlEnums.DiskDevices.Names);
        Assert.Equal(XmlEnums.StorageTypes.Names.Order(), DiskXml.SourceTypes.Order());
    }

    [Fact]
    public void NamesAreCaseSensitive()
    {
        Assert.False(XmlEnums.StorageTypes.TryParse("File", out _));
        Assert.False(XmlEnums.StorageTypes.IsDefined(null));
    }

    [Fact]
    public void AnIncompleteTableIsRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new EnumMap<DiskDevice>((DiskDevice.Disk, "disk"), (DiskDevice.Lun, "lun")));

        Assert.Contains("Cdrom", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAmbiguousTableIsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new EnumMap<HostTransport>(
            (HostTransport.Tcp, "tcp"), (HostTransport.Unix, "tcp"), (HostTransport.Rdma, "rdma")));
    }

    private static void AssertRoundTrips<T>(EnumMap<T> map)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            var name = map.ToName(value);
            Assert.True(map.TryParse(name, out var back), $"{typeof(T).Name}.{value} -> '{name}' does not parse back");
            Assert.Equal(value, back);
        }

        Assert.Equal(Enum.GetValues<T>().Length, map.Names.Count);
    }
}
