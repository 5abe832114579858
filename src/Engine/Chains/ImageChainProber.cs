using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Chains;

/// <summary>
/// Continues a domain chain that the XML leaves open by reading the image files below its last layer. The last
/// layer's format comes from the XML; when the XML gives none it is probed under libvirt's safety rule.
/// </summary>
public sealed class ImageChainProber : IChainProber
{
    private readonly ImageChainResolver _resolver;

    public ImageChainProber(IImageSourceProvider? provider = null) => _resolver = new ImageChainResolver(provider);

    public (BackingChainElement Last, IReadOnlyList<BackingChainElement> Below) Continue(BackingChainElement last, int maxDepth)
    {
        if (last.Path is null)
        {
            return (last with { Status = ChainStatus.NotProbed, Message = "The layer names no file to read" }, Array.Empty<BackingChainElement>());
        }

        var walked = _resolver.Continue(ImagePath.FromString(last.Path), last.Format, last.Depth, maxDepth, out var error);
        if (error is not null)
        {
            var status = error.Failure == ImageOpenFailure.Missing ? ChainStatus.Missing : ChainStatus.Unreadable;
            return (last with { Status = status, Message = error.Message }, Array.Empty<BackingChainElement>());
        }

        var self = walked[0];
        var restated = last with
        {
            VirtualSize = self.VirtualSize,
            Status = self.Status,
            Message = self.Message,
            BackingFormat = self.BackingFormat,
            DataFile = self.DataFile,
            Identity = self.Identity,
            Findings = self.Findings,
            FormatOrigin = last.FormatOrigin ?? (last.Format is null ? self.FormatOrigin : "xml"),
            Format = last.Format ?? self.Format,
        };
        return (restated, walked.Skip(1).ToList());
    }
}
