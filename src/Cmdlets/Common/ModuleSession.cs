using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using LibVirtPS.Drivers;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// What one runspace remembers: the hosts it connected to, and the default host opened on first use when none is
/// connected. Runspaces do not share connections (each has its own session), but embedded test hosts are shared
/// per URI by the driver itself.
/// </summary>
public sealed class ModuleSession
{
    private static readonly ConditionalWeakTable<Runspace, ModuleSession> Sessions = new();
    private static readonly ModuleSession Detached = new();
    private readonly SemaphoreSlim _defaultGate = new(1, 1);
    private VirtHost? _defaultHost;

    public static ConnectionService Connections { get; } = new(DriverCatalog.CreateRegistry());

    public HostSession Connected { get; } = new();

    public static ModuleSession Current =>
        Runspace.DefaultRunspace is { } runspace ? Sessions.GetValue(runspace, _ => new ModuleSession()) : Detached;

    /// <summary>The connected hosts, or the default host when none is connected.</summary>
    public async Task<IReadOnlyList<VirtHost>> TargetHostsAsync(CancellationToken cancellationToken)
    {
        var hosts = Connected.Hosts;
        return hosts.Count > 0 ? hosts : new[] { await DefaultHostAsync(cancellationToken).ConfigureAwait(false) };
    }

    private async Task<VirtHost> DefaultHostAsync(CancellationToken cancellationToken)
    {
        await _defaultGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_defaultHost is null || !_defaultHost.IsConnected)
            {
                _defaultHost = await Connections.ConnectAsync(null, null, new ConnectOptions(), cancellationToken).ConfigureAwait(false);
            }

            return _defaultHost;
        }
        finally
        {
            _defaultGate.Release();
        }
    }
}
