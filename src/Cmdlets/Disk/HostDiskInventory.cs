using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// Every domain of a set of hosts with the backing chains of its disks, for checks that look beyond the domains
/// the user named (layers shared by running domains, images that no domain uses). A host or a domain that cannot be
/// read reports a non-terminating error and marks the inventory incomplete.
/// </summary>
internal sealed class HostDiskInventory
{
    private readonly LibVirtCmdlet _cmdlet;
    private readonly BackingChainResolver _resolver;

    public HostDiskInventory(LibVirtCmdlet cmdlet, BackingChainResolver resolver)
    {
        _cmdlet = cmdlet;
        _resolver = resolver;
    }

    /// <summary>True once a host or a domain definition could not be read.</summary>
    public bool Incomplete { get; private set; }

    public IEnumerable<VirtDomain> Domains(IReadOnlyList<VirtHost> hosts) =>
        Successful(HostFanOut.RunAsync(hosts, DomainService.ListAsync, _cmdlet.CancellationToken));

    /// <summary>
    /// Every domain of the hosts that <paramref name="include"/> accepts (host, name), with one of its definitions,
    /// from one bulk inventory per host, hosts at once: the live definition, or with <paramref name="inactive"/> the
    /// persistent one.
    /// </summary>
    public IEnumerable<DomainWithXml> Definitions(IReadOnlyList<VirtHost> hosts, bool inactive, Func<VirtHost, string, bool>? include = null) =>
        Successful(HostFanOut.RunAsync(hosts,
            (host, ct) => DomainService.InventoryAsync(host, inactive, include is null ? null : name => include(host, name), ct),
            _cmdlet.CancellationToken));

    /// <summary>The chain of every disk of a definition from <see cref="Definitions"/>.</summary>
    public IReadOnlyList<(VirtDisk Disk, IReadOnlyList<BackingChainElement> Chain)> Chains(DomainWithXml entry) =>
        ChainsOrNone(entry.Domain, () => DiskService.GetDisks(entry));

    /// <summary>The chain of every disk in one definition of the domain (live, or the persistent one when inactive).</summary>
    public IReadOnlyList<(VirtDisk Disk, IReadOnlyList<BackingChainElement> Chain)> Chains(VirtDomain domain, bool inactive) =>
        ChainsOrNone(domain, () => _cmdlet.Run(ct => DiskService.GetDisksAsync(domain, inactive, ct)));

    /// <summary>A definition that cannot be read reports its error and marks the inventory incomplete.</summary>
    private IReadOnlyList<(VirtDisk Disk, IReadOnlyList<BackingChainElement> Chain)> ChainsOrNone(VirtDomain domain, Func<IReadOnlyList<VirtDisk>> read)
    {
        try
        {
            return read().Select(disk => (disk, DiskService.GetBackingChain(disk, _resolver))).ToList();
        }
        catch (Exception ex) when (ex is not System.Management.Automation.PipelineStoppedException)
        {
            Incomplete = true;
            _cmdlet.WriteFailure(ex, domain.Name);
            return Array.Empty<(VirtDisk, IReadOnlyList<BackingChainElement>)>();
        }
    }

    /// <summary>The items of a multi-host query; a host that failed reports its error and marks the inventory incomplete.</summary>
    private IEnumerable<T> Successful<T>(IAsyncEnumerable<HostResult<T>> results) =>
        _cmdlet.Successful(_cmdlet.Stream(results).Select(result =>
        {
            Incomplete |= result.Error is not null;
            return result;
        }));

    /// <summary>True while the domain runs (or is paused): it holds its images open.</summary>
    public static bool IsActive(VirtDomain domain) => domain.Id is not null;
}
