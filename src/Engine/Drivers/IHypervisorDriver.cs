using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Drivers;

/// <summary>
/// The narrow, XML-centric driver table every hypervisor driver implements (close to libvirt's own). Domains are
/// addressed by name or UUID through <see cref="DomainRef"/>. Failures are <see cref="Errors.LibVirtException"/>s
/// carrying libvirt's error codes; an operation a driver lacks throws one with code NoSupport, never a no-op.
/// Optional features (storage, snapshots, events, stats) come as further capability interfaces.
/// </summary>
public interface IHypervisorDriver : IAsyncDisposable
{
    /// <summary>The URI the driver was opened with.</summary>
    string Uri { get; }

    bool IsConnected { get; }

    Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The domains, active and inactive, whose name <paramref name="include"/> accepts (all when null). A driver that
    /// asks for each domain's facts asks only for those. Results stream as the driver has them.
    /// </summary>
    IAsyncEnumerable<DomainInfo> ListDomainsAsync(Func<string, bool>? include, CancellationToken cancellationToken);

    Task<DomainInfo> LookupDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    Task<string> GetDomainXmlAsync(DomainRef domain, DomainXmlFlags flags, CancellationToken cancellationToken);

    /// <summary>Defines (or redefines, for an existing name with the same UUID) a persistent domain.</summary>
    Task<DomainInfo> DefineDomainAsync(string xml, CancellationToken cancellationToken);

    Task UndefineDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    Task StartDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    /// <summary>Asks the guest to shut down (ACPI or agent); the domain may take time to stop.</summary>
    Task ShutdownDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    /// <summary>Stops the domain at once (libvirt's destroy).</summary>
    Task DestroyDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    Task RebootDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    Task SuspendDomainAsync(DomainRef domain, CancellationToken cancellationToken);

    Task ResumeDomainAsync(DomainRef domain, CancellationToken cancellationToken);
}

/// <summary>Identifies a domain by UUID (preferred, stable) or by name.</summary>
public readonly record struct DomainRef(string? Name, Guid? Uuid)
{
    public static DomainRef ByName(string name) => new(name, null);
    public static DomainRef ByUuid(Guid uuid) => new(null, uuid);
    public static DomainRef Of(DomainInfo info) => new(info.Name, info.Uuid);

    public override string ToString() => Name ?? Uuid?.ToString() ?? "";
}

/// <summary>libvirt's virDomainXMLFlags.</summary>
[Flags]
public enum DomainXmlFlags
{
    None = 0,
    Secure = 1,
    Inactive = 2,
    UpdateCpu = 4,
    Migratable = 8,
}
