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

    /// <summary>The disks of the domains this record names, filtered by -Target.</summary>
    protected IEnumerable<VirtDisk> ResolveDisks() => ResolveDomains().SelectMany(DisksOf);

    /// <summary>The domains of the InputObject set, or those the Domain set names on the target hosts.</summary>
    protected IEnumerable<VirtDomain> ResolveDomains() => ParameterSetName == InputObjectSet
        ? InputObject
        : new DomainResolver(this).ByName(ResolveHosts(Server), Domain);

    /// <summary>The disks of one domain that -Target selects; a domain that cannot be read reports an error and has none.</summary>
    protected IEnumerable<VirtDisk> DisksOf(VirtDomain domain)
    {
        IReadOnlyList<VirtDisk> disks = Array.Empty<VirtDisk>();
        TryInvoke(domain.Name, () => disks = ReadDisks(domain));
        return disks;
    }

    /// <summary>The disks of one domain that -Target selects; throws when the domain cannot be read.</summary>
    protected IReadOnlyList<VirtDisk> ReadDisks(VirtDomain domain)
    {
        var disks = Run(ct => DiskService.GetDisksAsync(domain, ReadInactive, ct));
        var targets = Target?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToList();
        return disks.Where(disk => targets is null || targets.Any(t => t.IsMatch(disk.Target))).ToList();
    }
}
