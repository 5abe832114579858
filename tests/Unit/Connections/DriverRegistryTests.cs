using LibVirtPS.Engine.Connections;
using Xunit;

namespace LibVirtPS.Tests.Connections;

/// <summary>Which kind of driver serves a URI: only test:/// without transport and host stays in process.</summary>
public sealed class DriverRegistryTests
{
    [Theory]
    [InlineData("test:///default", DriverKind.Embedded)]
    [InlineData("test:///tmp/nodes/one-host.xml", DriverKind.Embedded)]
    [InlineData("test:///default?foo=bar", DriverKind.Embedded)]
    [InlineData("test+unix:///default", DriverKind.Remote)]
    [InlineData("test+tcp://localhost/default", DriverKind.Remote)]
    [InlineData("test://localhost/default", DriverKind.Remote)]
    [InlineData("qemu:///system", DriverKind.Remote)]
    [InlineData("qemu+ssh://root@host/system", DriverKind.Remote)]
    [InlineData("lxc:///", DriverKind.Remote)]
    [InlineData("xen:///system", DriverKind.Remote)]
    public void SelectsByTheTable(string text, DriverKind expected)
    {
        Assert.Equal(expected, DriverRegistry.Select(LibvirtUri.Parse(text)));
    }
}
