namespace LibVirtPS.Engine.Model;

/// <summary>
/// What a driver reports about one domain. It has no host: the services attach one when they turn it into a
/// <see cref="VirtDomain"/>.
/// </summary>
public sealed record DomainInfo(
    string Name,
    Guid Uuid,
    int? Id,
    DomainState State,
    long MemoryBytes,
    long MaxMemoryBytes,
    int VirtualCpus,
    bool Persistent,
    bool Autostart);
