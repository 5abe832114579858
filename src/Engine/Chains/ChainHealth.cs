using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Chains;

/// <summary>
/// Health checks of backing chains: broken or unsafe layers, unrecorded backing formats, XML that disagrees with the
/// image headers, relative references that break when an image moves, and layers shared by running domains.
/// </summary>
public sealed class ChainHealth
{
    private readonly IImageSourceProvider _provider;

    public ChainHealth(IImageSourceProvider? provider = null) => _provider = provider ?? LocalImageSourceProvider.Instance;

    /// <summary>True when no finding is an error or a warning.</summary>
    public static bool IsHealthy(IEnumerable<ChainFinding> findings) => findings.All(f => f.Severity == ChainFindingSeverity.Information);

    /// <summary>
    /// Resolves the chain of an image file and checks it: the findings of Check, plus one error when the image itself
    /// cannot be opened.
    /// </summary>
    public IReadOnlyList<ChainFinding> CheckImage(string path, string? format = null, int maxDepth = ImageChainResolver.DefaultMaxDepth)
    {
        var chain = new ImageChainResolver(_provider).Resolve(path, format, maxDepth);
        if (chain.Error is { } error)
        {
            var kind = error.Failure == ImageOpenFailure.Missing ? ChainFindingKind.MissingLayer : ChainFindingKind.UnreadableLayer;
            return new[] { new ChainFinding(kind, ChainFindingSeverity.Error, 0, error.Path, error.Message) };
        }

        return Check(chain.Elements);
    }

    /// <summary>
    /// Checks a domain disk's resolved chain (BackingChainResolver with an ImageChainProber): the findings of Check
    /// and of CompareWithImages together.
    /// </summary>
    public IReadOnlyList<ChainFinding> CheckDomainChain(IReadOnlyList<BackingChainElement> chain) =>
        Check(chain).Concat(CompareWithImages(chain)).ToList();

    /// <summary>Findings of one resolved chain (from ImageChainResolver or BackingChainResolver), top first.</summary>
    public IReadOnlyList<ChainFinding> Check(IReadOnlyList<BackingChainElement> chain)
    {
        var findings = new List<ChainFinding>();
        for (var i = 0; i < chain.Count; i++)
        {
            var e = chain[i];
            if (StatusFinding(e) is { } status)
            {
                findings.Add(status);
            }

            foreach (var note in e.Findings)
            {
                findings.Add(Make(ChainFindingKind.ImageWarning, ChainFindingSeverity.Warning, e, note));
            }

            if (e.DataFile is { Length: > 0 } data && !System.IO.Path.IsPathRooted(data))
            {
                findings.Add(Make(ChainFindingKind.RelativeDataFile, ChainFindingSeverity.Warning, e,
                    $"The data file '{data}' is relative: qemu resolves it against its current directory, not the image's folder"));
            }

            if (i == 0)
            {
                continue;
            }

            var overlay = chain[i - 1];
            if (overlay.BackingFormat is null && e.Origin == "Image" && e.Type != "network")
            {
                findings.Add(Make(ChainFindingKind.BackingFormatNotRecorded, ChainFindingSeverity.Warning, overlay,
                    $"'{overlay.Path}' does not record the format of its backing file '{e.BackingReference ?? e.Path}'; libvirt refuses " +
                    "such a chain unless the backing image has no backing file of its own (record it with qemu-img rebase -u -F <format>)"));
            }

            if (RelativeReferenceProblem(overlay, e) is { } moved)
            {
                findings.Add(Make(ChainFindingKind.RelativeReferenceBreaksOnMove, ChainFindingSeverity.Warning, e, moved));
            }
        }

        return findings;
    }

    /// <summary>
    /// Compares the layers that a domain's XML lists with what the image headers say: the format, whether there is a
    /// backing file, which file it is, and its recorded format.
    /// </summary>
    public IReadOnlyList<ChainFinding> CompareWithImages(IReadOnlyList<BackingChainElement> chain)
    {
        var findings = new List<ChainFinding>();
        for (var i = 0; i < chain.Count; i++)
        {
            var e = chain[i];
            if (e.Origin != "Xml" || e.Type is not ("file" or "block") || e.Path is null)
            {
                continue;
            }

            var below = i + 1 < chain.Count && chain[i + 1].Origin == "Xml" ? chain[i + 1] : null;
            var lastClosed = below is null && e.ChainClosed;
            if (below is null && !lastClosed)
            {
                continue;
            }

            findings.AddRange(CompareLayer(e, below));
        }

        return findings;
    }

    /// <summary>
    /// Layers that two running domains use at once. A file that one of them writes (its active image) is an error; a
    /// read-only base shared by several running domains is normal and only noted.
    /// </summary>
    public IReadOnlyList<ChainFinding> SharedLayers(IEnumerable<DomainDiskChain> chains)
    {
        var users = new Dictionary<string, List<(DomainDiskChain Disk, BackingChainElement Element)>>(StringComparer.Ordinal);
        foreach (var disk in chains.Where(c => c.Running))
        {
            foreach (var element in disk.Chain.Where(e => e.Path is not null && e.Type is "file" or "block"))
            {
                var key = IdentityKey(element);
                if (!users.TryGetValue(key, out var list))
                {
                    users[key] = list = new();
                }

                list.Add((disk, element));
            }
        }

        var findings = new List<ChainFinding>();
        foreach (var list in users.Values)
        {
            var domains = list.Select(u => u.Disk.Domain).Distinct(StringComparer.Ordinal).ToList();
            if (domains.Count < 2)
            {
                continue;
            }

            var writers = list.Where(u => u.Element.Depth == 0).Select(u => u.Disk.Domain).Distinct(StringComparer.Ordinal).ToList();
            var names = string.Join(", ", domains);
            foreach (var (disk, element) in list)
            {
                var severity = writers.Count > 0 ? ChainFindingSeverity.Error : ChainFindingSeverity.Information;
                var message = writers.Count > 0
                    ? $"'{element.Path}' is used by the running domains {names} and written by {string.Join(", ", writers)}"
                    : $"'{element.Path}' is a read-only base shared by the running domains {names}";
                findings.Add(new ChainFinding(ChainFindingKind.LayerSharedByRunningDomains, severity, element.Depth, element.Path, message)
                {
                    Domain = disk.Domain,
                    Target = disk.Target,
                });
            }
        }

        return findings;
    }

    private IEnumerable<ChainFinding> CompareLayer(BackingChainElement e, BackingChainElement? below)
    {
        var opened = _provider.Open(e.Path!);
        if (opened.Source is null)
        {
            yield return Make(opened.Failure == ImageOpenFailure.Missing ? ChainFindingKind.MissingLayer : ChainFindingKind.UnreadableLayer,
                ChainFindingSeverity.Error, e, opened.Message ?? "");
            yield break;
        }

        ImageHeader header;
        FormatInfo? probed;
        using (var source = opened.Source)
        {
            probed = ImageFormats.Probe(source);
            var format = ImageFormats.Find(e.Format) ?? probed;
            header = ImageFormats.ReadHeader(format, source);
            if (e.Format is not null && ImageFormats.Find(e.Format) is { } stated && !ImageFormats.Matches(stated, source))
            {
                yield return Make(ChainFindingKind.XmlDisagreesWithImage, ChainFindingSeverity.Error, e,
                    $"The XML says '{e.Path}' is {e.Format}, but its content is {probed.Name}");
                yield break;
            }
        }

        if (header.Format == "raw")
        {
            yield break;
        }

        if (below is null)
        {
            if (header.HasBacking)
            {
                yield return Make(ChainFindingKind.XmlDisagreesWithImage, ChainFindingSeverity.Information, e,
                    $"The XML ends the chain at '{e.Path}', whose header names the backing file '{header.Backing[0].Text}' (the XML wins)");
            }

            yield break;
        }

        if (!header.HasBacking)
        {
            yield return Make(ChainFindingKind.XmlDisagreesWithImage, ChainFindingSeverity.Error, e,
                $"The XML lists '{below.Path}' below '{e.Path}', but the image has no backing file");
            yield break;
        }

        var locator = header.Backing[0];
        var reference = locator.WindowsSeparators ? BackingReference.LocalFile(locator.AsLocalReference()) : BackingReference.Parse(locator.Reference);
        if (reference.Kind == ReferenceKind.File && below.Path is not null && below.Type is "file" or "block")
        {
            var named = reference.FromJson ? new ImagePath(reference.FileName!) : ImagePath.FromString(e.Path!).Resolve(locator.AsLocalReference());
            if (!SameFile(named, ImagePath.FromString(below.Path)))
            {
                yield return Make(ChainFindingKind.XmlDisagreesWithImage, ChainFindingSeverity.Error, below,
                    $"The image '{e.Path}' names '{named}' as its backing file, but the XML lists '{below.Path}'");
            }
        }

        var recorded = reference.Format ?? header.BackingFormat;
        if (recorded is not null && below.Format is not null && !string.Equals(recorded, below.Format, StringComparison.Ordinal))
        {
            yield return Make(ChainFindingKind.XmlDisagreesWithImage, ChainFindingSeverity.Warning, below,
                $"The image '{e.Path}' records its backing format as {recorded}, but the XML says {below.Format}");
        }
    }

    private bool SameFile(ImagePath a, ImagePath b)
    {
        if (a.Equals(b))
        {
            return true;
        }

        var first = _provider.Open(a);
        var second = _provider.Open(b);
        try
        {
            return first.Source is not null && second.Source is not null && first.Source.Identity == second.Source.Identity;
        }
        finally
        {
            first.Source?.Dispose();
            second.Source?.Dispose();
        }
    }

    /// <summary>
    /// A relative reference breaks when the overlay moves without its parent: one that climbs out of the overlay's
    /// folder with '..', or one that names another file (or none) when read from the folder the overlay really lives
    /// in, because the overlay was reached through a symlink.
    /// </summary>
    private string? RelativeReferenceProblem(BackingChainElement overlay, BackingChainElement e)
    {
        var reference = e.BackingReference;
        if (reference is null || overlay.Path is null || e.Type == "network" || reference.StartsWith('/')
            || BackingReference.Parse(System.Text.Encoding.UTF8.GetBytes(reference)).Kind != ReferenceKind.File)
        {
            return null;
        }

        if (reference.Replace('\\', '/').Split('/').Contains(".."))
        {
            return $"The relative reference '{reference}' climbs out of the folder of '{overlay.Path}': moving that folder alone breaks the chain";
        }

        string? real;
        try
        {
            real = File.ResolveLinkTarget(overlay.Path, returnFinalTarget: true)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (real is null || e.Path is null)
        {
            return null;
        }

        var fromReal = ImagePath.FromString(real).Resolve(System.Text.Encoding.UTF8.GetBytes(reference.Replace('\\', '/')));
        return SameFile(fromReal, ImagePath.FromString(e.Path))
            ? null
            : $"'{overlay.Path}' is a symlink to '{real}'; its relative reference '{reference}' names another file (or none) from the image's real folder";
    }

    private string IdentityKey(BackingChainElement element)
    {
        if (element.Identity is { } known)
        {
            return known.ToString();
        }

        var opened = _provider.Open(element.Path!);
        using var source = opened.Source;
        return source?.Identity.ToString() ?? "path:" + element.Path;
    }

    private static ChainFinding? StatusFinding(BackingChainElement e) => e.Status switch
    {
        ChainStatus.Missing => Make(ChainFindingKind.MissingLayer, ChainFindingSeverity.Error, e, e.Message ?? "The layer is missing"),
        ChainStatus.Unreadable => Make(ChainFindingKind.UnreadableLayer, ChainFindingSeverity.Error, e, e.Message ?? "The layer cannot be read"),
        ChainStatus.Loop => Make(ChainFindingKind.Loop, ChainFindingSeverity.Error, e, e.Message ?? "The chain loops"),
        ChainStatus.TooDeep => Make(ChainFindingKind.TooDeep, ChainFindingSeverity.Error, e, e.Message ?? "The chain is too deep"),
        ChainStatus.Invalid => Make(ChainFindingKind.InvalidLayer, ChainFindingSeverity.Error, e, e.Message ?? "The layer is invalid"),
        ChainStatus.FormatUnknown => Make(ChainFindingKind.UnknownFormat, ChainFindingSeverity.Error, e, e.Message ?? "The layer's format is unknown"),
        ChainStatus.NotProbed => Make(ChainFindingKind.NotProbed, ChainFindingSeverity.Information, e, e.Message ?? "The layer was not probed"),
        _ => null,
    };

    private static ChainFinding Make(ChainFindingKind kind, ChainFindingSeverity severity, BackingChainElement e, string message) =>
        new(kind, severity, e.Depth, e.Path, message) { Domain = e.Domain, Target = e.Target };
}
