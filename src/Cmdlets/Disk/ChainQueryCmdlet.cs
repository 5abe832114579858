using System.Management.Automation;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// The base of cmdlets that read backing chains: besides domains (by name or object), disks and image files
/// (-Path with wildcards, -LiteralPath, FileInfo from the pipeline), with the top image's -Format and -MaxDepth.
/// Chains that a domain's XML leaves open continue from the image files.
/// </summary>
public abstract class ChainQueryCmdlet : DiskQueryCmdlet
{
    protected const string DiskSet = "Disk";
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>
    /// As in DiskQueryCmdlet, but without the Name alias: a FileInfo from Get-ChildItem has a Name property, and it
    /// must bind to -LiteralPath (by its PSPath or FullName), not be taken for a domain name.
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "VMName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.DomainNameCompleter))]
    public override string[]? Domain { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DiskSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VirtDisk[] Disk { get; set; } = Array.Empty<VirtDisk>();

    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Names taken literally. FileInfo objects bind here (PSPath, or FullName when there is no PSPath), so that a
    /// file whose name holds [ ] is never read as a wildcard pattern.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The top image's format as a qemu driver name; without it the format is probed from the content.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateSet("raw", "qcow2", "qcow", "qed", "vmdk", "vpc", "vhdx", "luks", "vdi", "parallels")]
    public string? Format { get; set; }

    [Parameter]
    [ValidateRange(1, 10000)]
    public int MaxDepth { get; set; } = ImageChainResolver.DefaultMaxDepth;

    protected bool ReadsImageFiles => ParameterSetName is PathSet or LiteralPathSet;

    /// <summary>The stated top format in the engine's spelling (ValidateSet accepts any case).</summary>
    protected string? StatedFormat => Format?.ToLowerInvariant();

    private BackingChainResolver? _probingResolver;
    private BackingChainResolver? _xmlResolver;

    /// <summary>
    /// The resolver for the disks of a host: chains left open continue from the image files when the host runs on this
    /// computer; for a remote host the files here are not its files, so the chain stops as NotProbed.
    /// </summary>
    protected BackingChainResolver ChainResolverFor(VirtHost host) => IsLocal(host)
        ? _probingResolver ??= new BackingChainResolver(new ImageChainProber(), MaxDepth)
        : _xmlResolver ??= new BackingChainResolver(null, MaxDepth);

    /// <summary>True when the host's disks are files of this computer: a URI without a host name, or naming localhost.</summary>
    protected static bool IsLocal(VirtHost host) =>
        !LibvirtUri.TryParse(host.Uri, out var uri, out _) || uri is null
        || string.IsNullOrEmpty(uri.Host) || uri.Host is "localhost" or "127.0.0.1" or "::1" or "[::1]";

    /// <summary>The file system paths that -Path or -LiteralPath name, wildcards expanded for -Path.</summary>
    protected IEnumerable<string> ResolveImagePaths()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var resolver = new ImagePathResolver(this);
        return (literal ? LiteralPath : Path).SelectMany(p => resolver.Resolve(p, literal));
    }

    /// <summary>The disks of the Disk set, or of the domains that the Domain and InputObject sets name.</summary>
    protected IEnumerable<VirtDisk> SelectedDisks() => ParameterSetName == DiskSet ? Disk : ResolveDisks();
}
