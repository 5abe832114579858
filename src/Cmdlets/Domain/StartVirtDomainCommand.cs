using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Boots inactive domains.</summary>
[Cmdlet(VerbsLifecycle.Start, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtDomain))]
public sealed class StartVirtDomainCommand : DomainActionCmdlet
{
    protected override DomainAction Action => DomainAction.Start;

    protected override string ActionText => "Start";
}
