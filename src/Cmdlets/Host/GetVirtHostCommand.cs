using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Host;

/// <summary>Gets the connected hosts; with none connected, the default host.</summary>
[Cmdlet(VerbsCommon.Get, "VirtHost")]
[OutputType(typeof(VirtHost))]
public sealed class GetVirtHostCommand : LibVirtCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.HostNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var hosts = Name is null ? ResolveHosts(null) : Session.Connected.Hosts;
        WriteObject(HostNameFilter.Select(this, hosts, Name), enumerateCollection: true);
    }
}
