using System.Management.Automation;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// The base of cmdlets that act on named domains: the Name, Uuid and InputObject parameter sets and -Server.
/// </summary>
public abstract class DomainTargetCmdlet : LibVirtCmdlet
{
    protected const string NameSet = "Name";
    protected const string UuidSet = "Uuid";
    protected const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "VMName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.DomainNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = UuidSet, ValueFromPipelineByPropertyName = true)]
    [Alias("VMId")]
    public Guid[] Uuid { get; set; } = Array.Empty<Guid>();

    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [Alias("Domain", "VM")]
    [ValidateNotNull]
    public VirtDomain[] InputObject { get; set; } = Array.Empty<VirtDomain>();

    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = UuidSet)]
    [ValidateNotNullOrEmpty]
    public VirtHost[]? Server { get; set; }

    /// <summary>The domains this record names, each looked up fresh on its host.</summary>
    protected IEnumerable<VirtDomain> ResolveTargets()
    {
        var resolver = new DomainResolver(this);
        return ParameterSetName switch
        {
            InputObjectSet => InputObject,
            UuidSet => resolver.ByUuid(ResolveHosts(Server), Uuid),
            _ => resolver.ByName(ResolveHosts(Server), Name),
        };
    }
}
