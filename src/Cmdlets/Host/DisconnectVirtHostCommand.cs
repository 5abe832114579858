using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Host;

/// <summary>Closes connections and forgets them.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "VirtHost", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtHost))]
public sealed class DisconnectVirtHostCommand : LibVirtCmdlet
{
    private const string NameSet = "Name";
    private const string ServerSet = "Server";

    [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.HostNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ServerSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public VirtHost[] Server { get; set; } = Array.Empty<VirtHost>();

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var hosts = ParameterSetName == ServerSet
            ? Server
            : HostNameFilter.Select(this, Session.Connected.Hosts, Name ?? new[] { "*" });
        foreach (var host in hosts)
        {
            if (!ShouldProcess($"Host '{host.Name}' ({host.Uri})", "Disconnect"))
            {
                continue;
            }

            TryInvoke(host.Name, () =>
            {
                Session.Connected.Remove(host);
                Run(async ct => await host.Driver.DisposeAsync().ConfigureAwait(false));
                if (PassThru)
                {
                    WriteObject(host);
                }
            });
        }
    }
}
