using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Test;

/// <summary>The embedded test hypervisor (being written on its own branch).</summary>
public static class TestDriver
{
    public static IHypervisorDriver Open(LibvirtUri uri) =>
        throw new LibVirtException(ErrorCode.NoSupport, ErrorDomain.Test, "The embedded test hypervisor is not available yet");
}
