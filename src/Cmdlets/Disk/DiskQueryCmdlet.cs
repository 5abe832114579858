using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Errors;
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
    public string[]? Domain { get; set; }

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

    /// <summary>The disks of the domains this record names, filtered by -Target.</summary>
    protected IEnumerable<VirtDisk> ResolveDisks()
    {
        var sources = ParameterSetName == InputObjectSet
            ? InputObject.Select(domain => (domain.Name, Read: (Func<IReadOnlyList<VirtDisk>>)(() =>
                Run(ct => DiskService.GetDisksAsync(domain, ReadInactive, ct)))))
            : InventoryByName().Select(entry => (entry.Domain.Name, Read: (Func<IReadOnlyList<VirtDisk>>)(() => DiskService.GetDisks(entry))));
        var targets = Target?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToList();
        foreach (var (name, read) in sources)
        {
            IReadOnlyList<VirtDisk> disks = Array.Empty<VirtDisk>();
            if (!TryInvoke(name, () => disks = read()))
            {
                continue;
            }

            foreach (var disk in disks)
            {
                if (targets is null || targets.Any(t => t.IsMatch(disk.Target)))
                {
                    yield return disk;
                }
            }
        }
    }

    /// <summary>
    /// The named domains with their XML, from one inventory per host (hosts queried at once) instead of a lookup and
    /// an XML call per domain. Wildcard selections stream in list order; literal names alone come host by host in
    /// the order given. A literal name that matches nothing is DomainNotFound; a wildcard that matches nothing is silent.
    /// </summary>
    private IEnumerable<DomainWithXml> InventoryByName()
    {
        var names = Domain ?? new[] { "*" };
        var literals = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList();
        var patterns = names.Where(WildcardPattern.ContainsWildcardCharacters)
            .Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        bool Include(string name) => literals.Contains(name, StringComparer.Ordinal) || patterns.Any(p => p.IsMatch(name));

        var hosts = ResolveHosts(Server);
        var inventory = Successful(Stream(HostFanOut.RunAsync(hosts,
            (host, ct) => DomainService.InventoryAsync(host, ReadInactive, Include, ct), CancellationToken)));
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in patterns.Count > 0 ? inventory : InNamedOrder(inventory, hosts, literals))
        {
            found.Add(entry.Domain.Name);
            yield return entry;
        }

        foreach (var missing in literals.Where(n => !found.Contains(n)))
        {
            WriteFailure(new LibVirtException(ErrorCode.NoDomain, ErrorDomain.Domain,
                $"Domain not found: no domain with matching name '{missing}'") { Target = missing }, missing);
        }
    }

    private IEnumerable<DomainWithXml> Successful(IEnumerable<HostResult<DomainWithXml>> results)
    {
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                WriteFailure(result.Error, result.Host.Name);
            }
            else if (result.Item is not null)
            {
                yield return result.Item;
            }
        }
    }

    private static IEnumerable<DomainWithXml> InNamedOrder(IEnumerable<DomainWithXml> entries, IReadOnlyList<VirtHost> hosts, List<string> literals)
    {
        var byHostAndName = entries.ToLookup(e => (e.Domain.Host, e.Domain.Name));
        return hosts.SelectMany(host => literals.SelectMany(name => byHostAndName[(host, name)]));
    }
}
