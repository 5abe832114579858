using LibVirtPS.Engine.Drivers;

namespace LibVirtPS.Engine.Model;

/// <summary>
/// An open connection to one hypervisor host. Every pipeline object carries the host it came from, so that piping
/// it to another cmdlet returns to the same connection.
/// </summary>
public sealed class VirtHost
{
    public VirtHost(string name, string uri, IHypervisorDriver driver, HostInfo info)
    {
        Name = name;
        Uri = uri;
        Driver = driver;
        Info = info;
        ConnectedAt = DateTimeOffset.Now;
    }

    /// <summary>The name the user gave the connection, or the URI when none was given.</summary>
    public string Name { get; }

    /// <summary>The URI as the user gave it (or as the default rules resolved it).</summary>
    public string Uri { get; }

    public IHypervisorDriver Driver { get; }

    public HostInfo Info { get; }

    public DateTimeOffset ConnectedAt { get; }

    public string Hostname => Info.Hostname;
    public string HypervisorType => Info.HypervisorType;
    public Version HypervisorVersion => Info.HypervisorVersion;
    public Version LibvirtVersion => Info.LibvirtVersion;
    public string CpuModel => Info.Node.CpuModel;
    public int Cpus => Info.Node.Cpus;
    public long MemoryBytes => Info.Node.MemoryBytes;
    public bool IsConnected => Driver.IsConnected;

    public override string ToString() => Name;
}
