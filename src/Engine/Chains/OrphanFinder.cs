using LibVirtPS.Engine.Images;

namespace LibVirtPS.Engine.Chains;

/// <summary>An image file that no domain chain references.</summary>
public sealed record OrphanedImage(string Path, string? PathBytes, long Size, string Format, FileIdentity Identity)
{
    public override string ToString() => Path;
}

/// <summary>
/// Finds image files under folders that no chain references. References are matched by file identity, so a file
/// reached through a symlink or a hard link counts as referenced; each referenced path is walked down its own
/// chain, and the files those images depend on (VMDK extents, qcow2 data files) count as referenced too.
/// </summary>
public sealed class OrphanFinder
{
    /// <summary>Extensions that mark a raw file as a disk image (content alone cannot tell raw data from other files).</summary>
    private static readonly HashSet<string> RawImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".img", ".raw", ".iso", ".qcow2", ".qcow", ".qed", ".vmdk", ".vhd", ".vhdx", ".vdi", ".hdd", ".luks", ".bin",
    };

    private readonly IImageSourceProvider _provider;
    private readonly ImageChainResolver _resolver;

    public OrphanFinder(IImageSourceProvider? provider = null)
    {
        _provider = provider ?? LocalImageSourceProvider.Instance;
        _resolver = new ImageChainResolver(_provider);
    }

    /// <summary>Image files under the folders (and their subfolders when recurse) that none of referencedPaths reaches.</summary>
    public IReadOnlyList<OrphanedImage> Find(IEnumerable<string> folders, bool recurse, IEnumerable<string> referencedPaths)
    {
        var referenced = ReferencedIdentities(referencedPaths);
        var seen = new HashSet<FileIdentity>();
        var orphans = new List<OrphanedImage>();
        var options = new EnumerationOptions { RecurseSubdirectories = recurse, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*", options).Order(StringComparer.Ordinal))
            {
                var opened = _provider.Open(file);
                if (opened.Source is not { } source)
                {
                    continue;
                }

                using (source)
                {
                    if (!seen.Add(source.Identity) || referenced.Contains(source.Identity))
                    {
                        continue;
                    }

                    var format = ImageFormats.Probe(source);
                    if (format == ImageFormats.Raw && !RawImageExtensions.Contains(System.IO.Path.GetExtension(file)))
                    {
                        continue;
                    }

                    orphans.Add(new OrphanedImage(file, source.Path.Base64WhenNotUtf8, source.Length, format.Name, source.Identity));
                }
            }
        }

        return orphans;
    }

    private HashSet<FileIdentity> ReferencedIdentities(IEnumerable<string> paths)
    {
        var identities = new HashSet<FileIdentity>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var chain = _resolver.Resolve(path);
            foreach (var element in chain.Elements)
            {
                if (element.Identity is not { } identity || element.Path is null)
                {
                    continue;
                }

                identities.Add(identity);
                foreach (var dependency in Dependencies(element.Path, element.Format))
                {
                    identities.Add(dependency);
                }
            }
        }

        return identities;
    }

    /// <summary>Identities of the files an image needs besides its chain: VMDK extents and the qcow2 data file.</summary>
    private IEnumerable<FileIdentity> Dependencies(string path, string? format)
    {
        if (format is not ("vmdk" or "qcow2"))
        {
            yield break;
        }

        var opened = _provider.Open(path);
        if (opened.Source is null)
        {
            yield break;
        }

        ImageHeader header;
        using (opened.Source)
        {
            header = ImageFormats.ReadHeader(ImageFormats.Find(format)!, opened.Source);
        }

        var image = ImagePath.FromString(path);
        var names = header.Extents.ToList();
        if (header.DataFile is not null)
        {
            names.Add(header.DataFile);
        }

        foreach (var name in names)
        {
            // qemu reads a relative data file from its current directory; the image's folder is the likelier intent.
            foreach (var candidate in new[] { image.Resolve(System.Text.Encoding.UTF8.GetBytes(name)), ImagePath.FromString(name) })
            {
                var dependency = _provider.Open(candidate);
                if (dependency.Source is { } source)
                {
                    using (source)
                    {
                        yield return source.Identity;
                    }
                }
            }
        }
    }
}
