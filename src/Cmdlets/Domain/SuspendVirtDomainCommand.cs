using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Pauses running domains; their memory stays resident.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VirtDomain))]
public sealed class SuspendVirtDomainCommand : DomainActionCmdlet
{
    protected override DomainAction Action => DomainAction.Suspend;

    protected override string ActionText => "Suspend (pause the vCPUs)";
}
