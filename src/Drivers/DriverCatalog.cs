using LibVirtPS.Engine.Connections;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Test;

namespace LibVirtPS.Drivers;

/// <summary>The composition root for drivers: every driver this assembly provides, registered in one place.</summary>
public static class DriverCatalog
{
    public static DriverRegistry CreateRegistry() => new DriverRegistry()
        .Register(new TestDriverFactory())
        .Register(new RemoteDriverFactory());
}
