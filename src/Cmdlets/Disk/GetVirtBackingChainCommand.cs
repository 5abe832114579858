using System.Management.Automation;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>Emits the backing chain of domain disks, one element per layer, top first.</summary>
[Cmdlet(VerbsCommon.Get, "VirtBackingChain", DefaultParameterSetName = DomainSet)]
[OutputType(typeof(BackingChainElement))]
public sealed class GetVirtBackingChainCommand : DiskQueryCmdlet
{
    private const string DiskSet = "Disk";

    [Parameter(Mandatory = true, ParameterSetName = DiskSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VirtDisk[] Disk { get; set; } = Array.Empty<VirtDisk>();

    private readonly BackingChainResolver _resolver = new();

    protected override void ProcessRecord()
    {
        var disks = ParameterSetName == DiskSet ? Disk : ResolveDisks();
        foreach (var disk in disks)
        {
            WriteObject(DiskService.GetBackingChain(disk, _resolver), enumerateCollection: true);
        }
    }
}
