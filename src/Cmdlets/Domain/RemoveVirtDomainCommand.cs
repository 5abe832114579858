using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>
/// Removes domain definitions (libvirt's undefine). Disk images stay. An active domain is refused unless -Force,
/// which stops it at once first.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VirtDomain", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVirtDomainCommand : DomainTargetCmdlet
{
    /// <summary>Stop an active domain at once (destroy) before removing its definition.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var domain in ResolveTargets())
        {
            var active = domain.State is not (DomainState.ShutOff or DomainState.NoState);
            var action = active && Force ? "Stop at once and remove the definition" : "Remove the definition (disk images are kept)";
            if (!ShouldProcess(DomainActionCmdlet.Describe(domain), action))
            {
                continue;
            }

            TryInvoke(domain.Name, () =>
            {
                if (active && !Force)
                {
                    throw new LibVirtException(ErrorCode.OperationInvalid, ErrorDomain.Domain,
                        $"Domain '{domain.Name}' is {domain.State}: stop it first, or use -Force to stop it at once") { Target = domain.Name };
                }

                // A transient domain is gone once destroyed; there is no definition left to remove.
                if (active && Run(ct => DomainService.InvokeAsync(domain, DomainAction.Destroy, ct)) is null)
                {
                    return;
                }

                Run(ct => DomainService.InvokeAsync(domain, DomainAction.Undefine, ct));
            });
        }
    }
}
