namespace LibVirtPS.Engine.Model;

/// <summary>A domain (virtual machine) as the pipeline carries it. Id is null while the domain is inactive.</summary>
public sealed record VirtDomain(
    VirtHost Host,
    string Name,
    Guid Uuid,
    int? Id,
    DomainState State,
    long MemoryBytes,
    long MaxMemoryBytes,
    int VirtualCpus,
    bool Persistent,
    bool Autostart)
{
    public static VirtDomain From(VirtHost host, DomainInfo info) => new(
        host, info.Name, info.Uuid, info.Id, info.State, info.MemoryBytes, info.MaxMemoryBytes,
        info.VirtualCpus, info.Persistent, info.Autostart);

    /// <summary>The host's display name, for views and grouping.</summary>
    public string HostName => Host.Name;

    public override string ToString() => Name;
}
