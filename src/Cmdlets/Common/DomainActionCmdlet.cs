using System.Management.Automation;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// The base of the lifecycle cmdlets (start, stop, restart, suspend, resume): resolve each target, ask
/// ShouldProcess naming the real domain, make one engine call, and with -PassThru write the domain as it is after.
/// </summary>
public abstract class DomainActionCmdlet : DomainTargetCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The engine action for this record.</summary>
    protected abstract DomainAction Action { get; }

    /// <summary>The ShouldProcess action text, e.g. "Start".</summary>
    protected abstract string ActionText { get; }

    protected override void ProcessRecord()
    {
        foreach (var domain in ResolveTargets())
        {
            if (!ShouldProcess(Describe(domain), ActionText))
            {
                continue;
            }

            TryInvoke(domain.Name, () =>
            {
                var after = Run(ct => DomainService.InvokeAsync(domain, Action, ct));
                if (PassThru && after is not null)
                {
                    WriteObject(after);
                }
            });
        }
    }

    internal static string Describe(VirtDomain domain) => $"Domain '{domain.Name}' on host '{domain.Host.Name}'";
}
