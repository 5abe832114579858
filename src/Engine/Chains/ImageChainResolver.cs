using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Chains;

/// <summary>Why the image given to ImageChainResolver could not be opened at all (no element is produced then).</summary>
public sealed record ImageChainError(string ErrorId, ImageOpenFailure Failure, string Path, string Message);

/// <summary>A chain read from image files: the elements top first, or the error that prevented reading the top.</summary>
public sealed record ImageChain(IReadOnlyList<BackingChainElement> Elements, ImageChainError? Error)
{
    /// <summary>True when the top opened and every element is Ok.</summary>
    public bool IsHealthy => Error is null && Elements.All(e => e.Status == ChainStatus.Ok);
}

/// <summary>
/// Walks a backing chain through the image files, top first, reading only headers. References are joined to the
/// overlay's directory as given; a layer's format is the one its overlay records, and an image whose format was
/// guessed may not lead further (a guest can forge a header inside a raw disk). Loops are caught by file identity,
/// depth is capped, network references are shown and never connected to.
/// </summary>
public sealed class ImageChainResolver
{
    public const int DefaultMaxDepth = 200;

    private readonly IImageSourceProvider _provider;

    public ImageChainResolver(IImageSourceProvider? provider = null) => _provider = provider ?? LocalImageSourceProvider.Instance;

    /// <summary>
    /// The chain of the image at path (used as given: a relative path is relative to the process's current directory).
    /// format states the top's format (a qemu driver name); without it the top is probed from its content.
    /// </summary>
    public ImageChain Resolve(string path, string? format = null, int maxDepth = DefaultMaxDepth) =>
        Resolve(ImagePath.FromString(path), format, maxDepth);

    public ImageChain Resolve(ImagePath path, string? format = null, int maxDepth = DefaultMaxDepth)
    {
        var opened = _provider.Open(path);
        if (opened.Source is null)
        {
            return new ImageChain(Array.Empty<BackingChainElement>(),
                new ImageChainError(opened.ErrorId ?? "ImageUnreadable", opened.Failure ?? ImageOpenFailure.Unreadable, path.Text, opened.Message ?? ""));
        }

        var top = new Layer(opened.Source, 0, format, format is null ? "probed" : "stated", TrustProbe: true, null, null);
        return new ImageChain(Walk(top, Math.Max(1, maxDepth)), null);
    }

    /// <summary>
    /// Continues a chain from a layer known by other means (a domain's XML): the layer itself first, re-stated from its
    /// header, then the layers below, with depths from startDepth. An unknown format is probed under the safety rule.
    /// </summary>
    public IReadOnlyList<BackingChainElement> Continue(ImagePath path, string? format, int startDepth, int maxDepth, out ImageChainError? error)
    {
        var opened = _provider.Open(path);
        if (opened.Source is null)
        {
            error = new ImageChainError(opened.ErrorId ?? "ImageUnreadable", opened.Failure ?? ImageOpenFailure.Unreadable, path.Text, opened.Message ?? "");
            return Array.Empty<BackingChainElement>();
        }

        error = null;
        var top = new Layer(opened.Source, startDepth, format, format is null ? "probed" : "xml", TrustProbe: false, null, null);
        return Walk(top, maxDepth);
    }

    /// <summary>One image on the way down: its source, depth, the format to read it as, and how its overlay named it.</summary>
    private sealed record Layer(IImageSource Source, int Depth, string? Format, string FormatOrigin, bool TrustProbe,
        BackingLocator? Reference, string? ExpectedParentId);

    private List<BackingChainElement> Walk(Layer start, int maxDepth)
    {
        var elements = new List<BackingChainElement>();
        var seen = new Dictionary<FileIdentity, int>();
        var layer = start;
        while (true)
        {
            seen[layer.Source.Identity] = layer.Depth;
            Step step;
            using (layer.Source)
            {
                step = Describe(layer);
            }

            if (step.Next is not { } next)
            {
                elements.Add(step.Element);
                return elements;
            }

            var reference = Classify(next[0]);
            var childFormat = reference.Format ?? step.Header!.BackingFormat;
            elements.Add(step.Element with { BackingFormat = childFormat });
            var depth = layer.Depth + 1;
            var origin = FormatOrigin(step.Header!, reference);
            var target = Target(layer.Source.Path, next[0], reference, depth, childFormat, origin);
            if (reference.Kind == ReferenceKind.Network)
            {
                elements.Add(target with
                {
                    Type = "network",
                    Protocol = reference.Protocol,
                    Hosts = reference.Hosts,
                    Status = ChainStatus.NotProbed,
                    Message = $"Network references ({reference.Protocol}) are shown, never connected to",
                });
                return elements;
            }

            if (reference.Kind == ReferenceKind.Invalid)
            {
                elements.Add(target with { Status = ChainStatus.Invalid, Message = reference.Problem });
                return elements;
            }

            if (depth >= maxDepth)
            {
                elements.Add(target with
                {
                    Status = ChainStatus.TooDeep,
                    Message = $"The chain is deeper than {maxDepth} layers (self-referential or too deeply nested)",
                });
                return elements;
            }

            var (opened, locator, failure) = OpenParent(layer.Source.Path, next, reference);
            if (opened is null)
            {
                var failed = locator is null ? target : Target(layer.Source.Path, locator, reference, depth, childFormat, origin);
                elements.Add(failed with
                {
                    Status = failure!.Failure == ImageOpenFailure.Missing ? ChainStatus.Missing : ChainStatus.Unreadable,
                    Message = $"Cannot access backing file '{failed.BackingReference}' of '{layer.Source.Path}': {failure.Message}",
                });
                return elements;
            }

            target = Target(layer.Source.Path, locator!, reference, depth, childFormat, origin) with { Identity = opened.Identity };
            if (seen.TryGetValue(opened.Identity, out var earlier))
            {
                opened.Dispose();
                elements.Add(target with
                {
                    Status = ChainStatus.Loop,
                    Message = $"Backing file '{target.Path}' is the same file as the layer at depth {earlier}: the chain loops",
                });
                return elements;
            }

            layer = new Layer(opened, depth, childFormat, origin ?? "probed",
                TrustProbe: false, locator, step.Header!.ParentId);
        }
    }

    private sealed record Step(BackingChainElement Element, ImageHeader? Header, IReadOnlyList<BackingLocator>? Next);

    /// <summary>Reads one layer's header as its recorded format (or probes it) and decides whether the walk goes on.</summary>
    private static Step Describe(Layer layer)
    {
        var source = layer.Source;
        var element = new BackingChainElement
        {
            Depth = layer.Depth,
            Type = source.IsBlockDevice ? "block" : "file",
            Path = source.Path.Text,
            PathBytes = source.Path.Base64WhenNotUtf8,
            BackingReference = layer.Reference?.Text,
            BackingReferenceBytes = layer.Reference is { IsValidUtf8: false } r ? Convert.ToBase64String(r.Reference) : null,
            Format = layer.Format,
            FormatOrigin = layer.Format is null ? null : layer.FormatOrigin,
            Identity = source.Identity,
            Origin = "Image",
        };

        ImageHeader header;
        try
        {
            FormatInfo format;
            if (layer.Format is null)
            {
                format = ImageFormats.Probe(source);
            }
            else if (ImageFormats.Find(layer.Format) is { } known)
            {
                format = known;
                if (!ImageFormats.Matches(format, source))
                {
                    return new Step(element with
                    {
                        Status = ChainStatus.Invalid,
                        Message = $"The image is recorded as {format.Name} but has no {format.Name} header",
                    }, null, null);
                }
            }
            else
            {
                return new Step(element with
                {
                    Format = null,
                    Status = ChainStatus.FormatUnknown,
                    Message = $"Unknown format '{layer.Format}' (not a qemu driver the prober reads)",
                }, null, null);
            }

            header = ImageFormats.ReadHeader(format, source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Step(element with { Status = ChainStatus.Unreadable, Message = e.Message }, null, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A source or a plugged-in format that fails unexpectedly still yields an element, never an escaped exception.
            return new Step(element with { Status = ChainStatus.Invalid, Message = $"The image could not be parsed ({e.GetType().Name}: {e.Message})" }, null, null);
        }

        var findings = header.Findings.ToList();
        if (layer.ExpectedParentId is not null && header.OwnId is not null
            && !string.Equals(layer.ExpectedParentId, header.OwnId, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add($"The overlay expects a parent with id {layer.ExpectedParentId}, but this image's id is {header.OwnId}");
        }

        element = element with
        {
            Format = header.Format,
            FormatOrigin = layer.Format is null ? "probed" : layer.FormatOrigin,
            DataFile = header.DataFile,
            Findings = findings,
        };
        if (header.Invalid is not null)
        {
            return new Step(element with { Status = ChainStatus.Invalid, Message = header.Invalid }, header, null);
        }

        element = element with { VirtualSize = header.VirtualSize };
        if (!header.HasBacking)
        {
            return new Step(element, header, null);
        }

        if (layer.Format is null && !layer.TrustProbe)
        {
            // libvirt's rule: a guessed format may stand only for an image that leads nowhere else.
            return new Step(element with
            {
                Format = null,
                VirtualSize = null,
                FormatOrigin = null,
                Status = ChainStatus.FormatUnknown,
                Message = $"The format of this image is not recorded by its overlay; its content looks like {header.Format} with a backing " +
                          $"file '{header.Backing[0].Text}', which is not followed for a guessed format",
            }, header, null);
        }

        return new Step(element, header, header.Backing);
    }

    /// <summary>The element for a reference's target before it is opened: resolved path, reference as written.</summary>
    /// <summary>
    /// How the child's format is known: from a json: driver, implied by the overlay's format (VMDK, VHD and VHDX parents
    /// share it), recorded in the overlay's metadata, or not at all (null: it will be probed).
    /// </summary>
    private static string? FormatOrigin(ImageHeader overlay, BackingReference reference) =>
        reference.Format is not null ? "json"
        : overlay.BackingFormat is null ? null
        : overlay.Format is "vmdk" or "vpc" or "vhdx" ? "implied"
        : "metadata";

    private static BackingChainElement Target(ImagePath overlay, BackingLocator locator, BackingReference reference, int depth, string? format, string? origin)
    {
        var path = reference.Kind == ReferenceKind.File ? PathOf(overlay, locator, reference) : new ImagePath(locator.Reference);
        return new BackingChainElement
        {
            Depth = depth,
            Path = path.Text,
            PathBytes = path.Base64WhenNotUtf8,
            BackingReference = locator.Text,
            BackingReferenceBytes = locator.IsValidUtf8 ? null : Convert.ToBase64String(locator.Reference),
            Format = ImageFormats.Find(format) is null ? null : format,
            FormatOrigin = format is null ? null : origin,
            Origin = "Image",
        };
    }

    /// <summary>Tries the locators in order (VHD and VHDX may offer several); the first that opens wins.</summary>
    private (IImageSource? Source, BackingLocator? Locator, ImageOpenResult? Failure) OpenParent(
        ImagePath overlay, IReadOnlyList<BackingLocator> locators, BackingReference first)
    {
        ImageOpenResult? firstFailure = null;
        BackingLocator? firstLocator = null;
        foreach (var locator in locators)
        {
            var reference = ReferenceEquals(locator, locators[0]) ? first : Classify(locator);
            if (reference.Kind != ReferenceKind.File)
            {
                continue;
            }

            ImageOpenResult result;
            if (locator.WindowsSeparators && !OperatingSystem.IsWindows() && IsWindowsAbsolute(locator.Text))
            {
                result = ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", "an absolute Windows path cannot be opened on this system");
            }
            else
            {
                result = _provider.Open(PathOf(overlay, locator, reference));
            }

            if (result.Source is not null)
            {
                return (result.Source, locator, null);
            }

            firstFailure ??= result;
            firstLocator ??= locator;
        }

        return (null, firstLocator, firstFailure ?? ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", "no locator names a file"));
    }

    /// <summary>VHD and VHDX locators are Windows paths, never protocols; other references follow qemu's protocol rule.</summary>
    private static BackingReference Classify(BackingLocator locator) =>
        locator.WindowsSeparators ? BackingReference.LocalFile(locator.AsLocalReference()) : BackingReference.Parse(locator.Reference);

    /// <summary>A json: file name is used as written; any other name is joined to the overlay's directory as given.</summary>
    private static ImagePath PathOf(ImagePath overlay, BackingLocator locator, BackingReference reference) =>
        reference.FromJson ? new ImagePath(reference.FileName!) : overlay.Resolve(locator.AsLocalReference());

    private static bool IsWindowsAbsolute(string text) =>
        text.StartsWith(@"\\", StringComparison.Ordinal) || (text.Length >= 2 && char.IsAsciiLetter(text[0]) && text[1] == ':');
}
