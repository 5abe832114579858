using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Shuts domains down gracefully, or with -Force stops them at once (libvirt's destroy).</summary>
[Cmdlet(VerbsLifecycle.Stop, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VirtDomain))]
public sealed class StopVirtDomainCommand : DomainActionCmdlet
{
    /// <summary>Stop at once without asking the guest, like pulling the power plug.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override DomainAction Action => Force ? DomainAction.Destroy : DomainAction.Shutdown;

    protected override string ActionText => Force ? "Stop at once (destroy, no guest shutdown)" : "Shut down (ask the guest OS)";
}
