using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Connections;

/// <summary>
/// The hosts one PowerShell session is connected to, in connection order. Safe for concurrent use; the cmdlet
/// layer keeps one per runspace.
/// </summary>
public sealed class HostSession
{
    private readonly object _gate = new();
    private readonly List<VirtHost> _hosts = new();

    public IReadOnlyList<VirtHost> Hosts
    {
        get
        {
            lock (_gate)
            {
                return _hosts.ToArray();
            }
        }
    }

    /// <summary>Adds a host; a host of the same name replaces the older one, which is returned for disposal.</summary>
    public VirtHost? Add(VirtHost host)
    {
        lock (_gate)
        {
            var index = _hosts.FindIndex(h => string.Equals(h.Name, host.Name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                _hosts.Add(host);
                return null;
            }

            var old = _hosts[index];
            _hosts[index] = host;
            return old;
        }
    }

    public bool Remove(VirtHost host)
    {
        lock (_gate)
        {
            return _hosts.Remove(host);
        }
    }
}
