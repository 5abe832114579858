using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;

namespace LibVirtPS.Drivers.Remote;

/// <summary>Opens <see cref="RemoteDriver"/> for every URI a daemon serves.</summary>
public sealed class RemoteDriverFactory : IDriverFactory
{
    public DriverKind Kind => DriverKind.Remote;

    public async Task<IHypervisorDriver> OpenAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken) =>
        await RemoteDriver.OpenAsync(uri, options, cancellationToken).ConfigureAwait(false);
}
