using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Continues paused domains.</summary>
[Cmdlet(VerbsLifecycle.Resume, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtDomain))]
public sealed class ResumeVirtDomainCommand : DomainActionCmdlet
{
    protected override DomainAction Action => DomainAction.Resume;

    protected override string ActionText => "Resume";
}
