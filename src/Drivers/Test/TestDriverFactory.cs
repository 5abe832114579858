using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;

namespace LibVirtPS.Drivers.Test;

/// <summary>Opens the embedded test hypervisor for test:///default and test:///&lt;absolute path to a node file&gt;.</summary>
public sealed class TestDriverFactory : IDriverFactory
{
    public DriverKind Kind => DriverKind.Embedded;

    public Task<IHypervisorDriver> OpenAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken) =>
        Task.FromResult<IHypervisorDriver>(TestDriver.Open(uri));
}
