using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Domain;

/// <summary>Gets domains by name (with wildcards) or UUID from the connected hosts.</summary>
[Cmdlet(VerbsCommon.Get, "VirtDomain", DefaultParameterSetName = NameSet)]
[OutputType(typeof(VirtDomain))]
public sealed class GetVirtDomainCommand : LibVirtCmdlet
{
    private const string NameSet = "Name";
    private const string UuidSet = "Uuid";

    [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "VMName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.DomainNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = UuidSet, ValueFromPipelineByPropertyName = true)]
    [Alias("VMId")]
    public Guid[] Uuid { get; set; } = Array.Empty<Guid>();

    [Parameter]
    public DomainState[]? State { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public VirtHost[]? Server { get; set; }

    protected override void ProcessRecord()
    {
        var resolver = new DomainResolver(this);
        var hosts = ResolveHosts(Server);
        var domains = ParameterSetName == UuidSet
            ? resolver.ByUuid(hosts, Uuid)
            : resolver.ByName(hosts, Name);
        foreach (var domain in domains)
        {
            if (State is null || State.Contains(domain.State))
            {
                WriteObject(domain);
            }
        }
    }
}
