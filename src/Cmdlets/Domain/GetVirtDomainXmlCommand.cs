using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Domain;

/// <summary>Gets a domain's XML definition: the live one, or with -Inactive the one used at the next boot.</summary>
[Cmdlet(VerbsCommon.Get, "VirtDomainXml", DefaultParameterSetName = NameSet)]
[OutputType(typeof(string))]
public sealed class GetVirtDomainXmlCommand : DomainTargetCmdlet
{
    // Calls that may run at once for piped domains; the RPC client keeps as many of them on the wire as the daemon serves.
    private const int Window = 32;
    private OrderedCalls<string>? _calls;

    [Parameter]
    public SwitchParameter Inactive { get; set; }

    protected override void BeginProcessing() => _calls = new OrderedCalls<string>(this, Window);

    protected override void ProcessRecord()
    {
        foreach (var domain in ResolveTargets())
        {
            _calls!.Add(domain.Name, ct => DomainService.GetXmlAsync(domain, Inactive, secure: false, ct));
        }

        WriteAll(_calls!.Finished());
    }

    protected override void EndProcessing() => WriteAll(_calls!.All());

    private void WriteAll(IEnumerable<string> documents)
    {
        foreach (var xml in documents)
        {
            WriteObject(xml);
        }
    }
}
