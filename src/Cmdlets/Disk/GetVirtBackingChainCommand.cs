using System.Management.Automation;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// Emits the backing chain of domain disks or image files, one element per layer, top first. An image that cannot
/// be opened at all gives an error record with the engine's error id and no element.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VirtBackingChain", DefaultParameterSetName = DomainSet)]
[OutputType(typeof(BackingChainElement))]
public sealed class GetVirtBackingChainCommand : ChainQueryCmdlet
{
    protected override void ProcessRecord()
    {
        if (ReadsImageFiles)
        {
            WriteImageChains();
            return;
        }

        WriteChains(SelectedDisks());
    }

    protected override void EndProcessing() => WriteChains(RemainingPipedDisks());

    private void WriteChains(IEnumerable<VirtDisk> disks)
    {
        foreach (var disk in disks)
        {
            TryInvoke(disk.ToString(), () => WriteObject(DiskService.GetBackingChain(disk, ChainResolverFor(disk.Host)), enumerateCollection: true));
        }
    }

    private void WriteImageChains()
    {
        var resolver = new ImageChainResolver();
        foreach (var path in ResolveImagePaths())
        {
            TryInvoke(path, () =>
            {
                var chain = resolver.Resolve(path, StatedFormat, MaxDepth);
                if (chain.Error is { } error)
                {
                    throw new ImageOpenException(error);
                }

                foreach (var element in chain.Elements)
                {
                    // The default view groups the layers of an image chain under its top image.
                    var item = PSObject.AsPSObject(element);
                    item.Properties.Add(new PSNoteProperty("ChainImage", chain.Elements[0].Path));
                    WriteObject(item);
                }
            });
        }
    }
}
