using System.Management.Automation;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Disk;

/// <summary>Lists the disks of domains: target, device, bus, type, format and source.</summary>
[Cmdlet(VerbsCommon.Get, "VirtDisk", DefaultParameterSetName = DomainSet)]
[OutputType(typeof(VirtDisk))]
public sealed class GetVirtDiskCommand : DiskQueryCmdlet
{
    /// <summary>Read the persistent definition (used at the next boot) instead of the live one.</summary>
    [Parameter]
    public SwitchParameter Inactive { get; set; }

    protected override bool ReadInactive => Inactive;

    protected override void ProcessRecord() => WriteAll(ResolveDisks());

    protected override void EndProcessing() => WriteAll(RemainingPipedDisks());

    private void WriteAll(IEnumerable<VirtDisk> disks)
    {
        foreach (var disk in disks)
        {
            WriteObject(disk);
        }
    }
}
