using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// The base of cmdlets that read domains' disks: the Domain (names with wildcards) and InputObject parameter
/// sets, -Target filtering, and the disks of each resolved domain.
/// </summary>
public abstract class DiskQueryCmdlet : LibVirtCmdlet
{
    protected const string DomainSet = "Domain";
    protected const string InputObjectSet = "InputObject";

    [Parameter(Position = 0, ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "Name", "VMName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.DomainNameCompleter))]
    public virtual string[]? Domain { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VirtDomain[] InputObject { get; set; } = Array.Empty<VirtDomain>();

    [Parameter(ParameterSetName = DomainSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Target { get; set; }

    [Parameter(ParameterSetName = DomainSet)]
    [ValidateNotNullOrEmpty]
    public VirtHost[]? Server { get; set; }

    /// <summary>Read the persistent definition instead of the live one.</summary>
    protected virtual bool ReadInactive => false;

    // Definitions that may be read at once for piped domains (see OrderedCalls).
    private const int PipedWindow = 32;
    private OrderedCalls<IReadOnlyList<VirtDisk>>? _piped;

    /// <summary>
    /// The disks of the domains this record names, filtered by -Target. Piped domains are read several at a time:
    /// their disks come in input order, some of them on a later record, the rest from <see cref="RemainingPipedDisks"/>.
    /// </summary>
    protected IEnumerable<VirtDisk> ResolveDisks()
    {
        if (ParameterSetName != InputObjectSet)
        {
            return InventoryByName().SelectMany(entry =>
            {
                IReadOnlyList<VirtDisk> disks = Array.Empty<VirtDisk>();
                TryInvoke(entry.Domain.Name, () => disks = SelectTargets(DiskService.GetDisks(entry)));
                return disks;
            });
        }

        _piped ??= new OrderedCalls<IReadOnlyList<VirtDisk>>(this, PipedWindow);
        foreach (var domain in InputObject)
        {
            _piped.Add(domain.Name, ct => DiskService.GetDisksAsync(domain, ReadInactive, ct));
        }

        return _piped.Finished().SelectMany(SelectTargets);
    }

    /// <summary>The disks of piped domains not handed out yet: for EndProcessing.</summary>
    protected IEnumerable<VirtDisk> RemainingPipedDisks() => _piped?.All().SelectMany(SelectTargets) ?? Enumerable.Empty<VirtDisk>();

    /// <summary>The domains of the InputObject set, or those the Domain set names on the target hosts.</summary>
    protected IEnumerable<VirtDomain> ResolveDomains() => ParameterSetName == InputObjectSet
        ? InputObject
        : new DomainResolver(this).ByName(ResolveHosts(Server), Domain);

    /// <summary>The disks that -Target selects.</summary>
    protected IReadOnlyList<VirtDisk> SelectTargets(IReadOnlyList<VirtDisk> disks)
    {
        var targets = Target?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToList();
        return disks.Where(disk => targets is null || targets.Any(t => t.IsMatch(disk.Target))).ToList();
    }

    /// <summary>
    /// The named domains with their XML, from one inventory per host (hosts queried at once) instead of a lookup and
    /// an XML call per domain. Wildcard selections stream in list order; literal names alone come host by host in
    /// the order given. A literal name that matches nothing is DomainNotFound; a wildcard that matches nothing is silent.
    /// </summary>
    private IEnumerable<DomainWithXml> InventoryByName()
    {
        var selection = new NameSelection(Domain);
        var hosts = ResolveHosts(Server);
        var inventory = Successful(Stream(HostFanOut.RunAsync(hosts,
            (host, ct) => DomainService.InventoryAsync(host, ReadInactive, selection.Includes, ct), CancellationToken)));
        foreach (var entry in selection.HasWildcards ? inventory : InNamedOrder(inventory, hosts, selection.Literals))
        {
            selection.Found(entry.Domain.Name);
            yield return entry;
        }

        selection.ReportMissing(this);
    }

    private static IEnumerable<DomainWithXml> InNamedOrder(IEnumerable<DomainWithXml> entries, IReadOnlyList<VirtHost> hosts, IReadOnlyList<string> literals)
    {
        var byHostAndName = entries.ToLookup(e => (e.Domain.Host, e.Domain.Name));
        return hosts.SelectMany(host => literals.SelectMany(name => byHostAndName[(host, name)]));
    }
}
