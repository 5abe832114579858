using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Gets a domain's XML definition: the live one, or with -Inactive the one used at the next boot.</summary>
[Cmdlet(VerbsCommon.Get, "VirtDomainXml", DefaultParameterSetName = NameSet)]
[OutputType(typeof(string))]
public sealed class GetVirtDomainXmlCommand : DomainTargetCmdlet
{
    [Parameter]
    public SwitchParameter Inactive { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var domain in ResolveTargets())
        {
            TryInvoke(domain.Name, () => WriteObject(Run(ct => DomainService.GetXmlAsync(domain, Inactive, secure: false, ct))));
        }
    }
}
