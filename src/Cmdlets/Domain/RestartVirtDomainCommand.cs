using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Asks running domains to reboot.</summary>
[Cmdlet(VerbsLifecycle.Restart, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VirtDomain))]
public sealed class RestartVirtDomainCommand : DomainActionCmdlet
{
    protected override DomainAction Action => DomainAction.Reboot;

    protected override string ActionText => "Restart (ask the guest to reboot)";
}
