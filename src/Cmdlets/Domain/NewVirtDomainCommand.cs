using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Commands.Domain;

/// <summary>Defines a persistent domain from libvirt domain XML, given as text or as a file.</summary>
[Cmdlet(VerbsCommon.New, "VirtDomain", DefaultParameterSetName = XmlSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtDomain))]
public sealed class NewVirtDomainCommand : LibVirtCmdlet
{
    private const string XmlSet = "Xml";
    private const string PathSet = "Path";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = XmlSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Xml { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Alias("FilePath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public VirtHost[]? Server { get; set; }

    protected override void ProcessRecord()
    {
        string xml;
        DomainDefinition definition;
        try
        {
            xml = ParameterSetName == PathSet ? File.ReadAllText(ResolvePath(Path)) : Xml;
            definition = DomainXml.Parse(xml);
        }
        catch (Exception ex) when (ex is LibVirtException or IOException or UnauthorizedAccessException)
        {
            WriteFailure(ex, ParameterSetName == PathSet ? Path : null);
            return;
        }

        var hosts = ResolveHosts(Server);
        if (Server is null && hosts.Count > 1)
        {
            WriteError(ErrorMapper.Create("ServerRequired", ErrorCategory.InvalidArgument,
                "Several hosts are connected: name the host to define the domain on with -Server", definition.Name));
            return;
        }

        foreach (var host in hosts)
        {
            if (ShouldProcess($"Domain '{definition.Name}' on host '{host.Name}'", "Define"))
            {
                TryInvoke(definition.Name, () => WriteObject(Run(ct => DomainService.DefineAsync(host, xml, ct))));
            }
        }
    }

    private string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
