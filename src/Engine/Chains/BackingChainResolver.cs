using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Chains;

/// <summary>Whose chain is being resolved: carried onto every element.</summary>
public sealed record ChainContext(VirtHost? Host, string? Domain, string? Target);

/// <summary>
/// Continues a chain below its last known layer by reading image headers. The resolver calls it only where the
/// domain XML leaves a chain open (no empty backingStore terminator).
/// </summary>
public interface IChainProber
{
    /// <summary>
    /// The layers below 'last' (not including it), with Depth continuing from last.Depth + 1, and 'last' itself
    /// as the prober re-states it (its VirtualSize, or a Status explaining why the chain cannot go on).
    /// </summary>
    (BackingChainElement Last, IReadOnlyList<BackingChainElement> Below) Continue(BackingChainElement last, int maxDepth);
}

/// <summary>
/// Turns a disk's source with its nested backingStore layers into chain elements, top first. The XML is taken as
/// the truth where it closes the chain; where it does not, the prober (when one is given) reads the rest from the
/// images, and otherwise the last element says that the chain was not probed.
/// </summary>
public sealed class BackingChainResolver
{
    public const int DefaultMaxDepth = 200;

    private readonly IChainProber? _prober;

    public BackingChainResolver(IChainProber? prober = null, int maxDepth = DefaultMaxDepth)
    {
        _prober = prober;
        MaxDepth = maxDepth;
    }

    public int MaxDepth { get; }

    public IReadOnlyList<BackingChainElement> Resolve(StorageSource top, ChainContext context)
    {
        var layers = top.Layers().ToList();
        var closed = layers[^1].ChainClosed;
        var elements = new List<BackingChainElement>(layers.Count);
        for (var depth = 0; depth < layers.Count; depth++)
        {
            var layer = layers[depth];
            elements.Add(new BackingChainElement
            {
                Host = context.Host,
                Domain = context.Domain,
                Target = context.Target,
                Depth = depth,
                Index = layer.Index,
                Type = layer.Type,
                Format = layer.Format,
                Path = layer.DisplayPath,
                Protocol = layer.Protocol,
                Hosts = layer.Hosts.Select(h => h.ToString()).ToList(),
                BackingFormat = layer.BackingStore?.Format,
                ChainClosed = closed,
                Status = ChainStatus.Ok,
                Message = layer.DisplayPath is null && depth == 0 ? "The drive has no medium" : null,
            });
        }

        if (closed || elements[^1].Path is null)
        {
            return elements;
        }

        if (_prober is null || layers[^1].Type is not ("file" or "block"))
        {
            elements[^1] = elements[^1] with
            {
                Status = ChainStatus.NotProbed,
                Message = "The domain XML does not close the chain here; the layers below were not probed",
            };
            return elements;
        }

        // The resolver owns depth and context: probed layers continue the numbering below the last XML layer and
        // belong to the same disk, whatever the prober filled in.
        var lastDepth = elements[^1].Depth;
        var (last, below) = _prober.Continue(elements[^1], MaxDepth);
        elements[^1] = WithContext(last, context, lastDepth);
        elements.AddRange(below.Select((e, i) => WithContext(e, context, lastDepth + 1 + i)));
        return elements;
    }

    private static BackingChainElement WithContext(BackingChainElement element, ChainContext context, int depth) => element with
    {
        Host = context.Host,
        Domain = context.Domain,
        Target = context.Target,
        Depth = depth,
        ChainClosed = false,
    };
}
