using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Host;

/// <summary>Opens a connection to a host by libvirt URI and remembers it for the session.</summary>
[Cmdlet(VerbsCommunications.Connect, "VirtHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtHost))]
public sealed class ConnectVirtHostCommand : LibVirtCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.UriCompleter))]
    public string? Uri { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var uri = string.IsNullOrWhiteSpace(Uri) ? ModuleSession.Connections.ResolveDefaultUri() : Uri!;
        if (!ShouldProcess(uri, "Connect"))
        {
            return;
        }

        TryInvoke(uri, () =>
        {
            var host = Run(ct => ModuleSession.Connections.ConnectAsync(uri, Name, new ConnectOptions(), ct));
            WriteVerbose($"Connected to {host.Uri} ({host.HypervisorType} {host.HypervisorVersion} on {host.Hostname})");
            if (Session.Connected.Add(host) is { } replaced)
            {
                WriteVerbose($"Replaced the earlier connection named '{replaced.Name}'");
                Run(async ct => await replaced.Driver.DisposeAsync().ConfigureAwait(false));
            }

            if (PassThru)
            {
                WriteObject(host);
            }
        });
    }
}
