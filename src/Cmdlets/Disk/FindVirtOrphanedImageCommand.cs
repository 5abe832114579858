using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// Finds image files under folders that no disk chain of any domain on the hosts references, in the live or in the
/// persistent definition. Files are matched by identity, so a reference through a symlink or a hard link counts.
/// </summary>
[Cmdlet(VerbsCommon.Find, "VirtOrphanedImage")]
[OutputType(typeof(OrphanedImageFile))]
public sealed class FindVirtOrphanedImageCommand : LibVirtCmdlet
{
    private readonly List<string> _folders = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Look in the subfolders too.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public VirtHost[]? Server { get; set; }

    protected override void ProcessRecord()
    {
        var resolver = new ImagePathResolver(this, folders: true);
        _folders.AddRange(Path.SelectMany(p => resolver.Resolve(p, literal: false)));
    }

    protected override void EndProcessing()
    {
        if (_folders.Count == 0)
        {
            return;
        }

        var referenced = ReferencedPaths(out var incomplete);
        if (incomplete)
        {
            WriteWarning("Some hosts or domains could not be read: the images they use may be listed as orphaned.");
        }

        IReadOnlyList<OrphanedImage> orphans = Array.Empty<OrphanedImage>();
        if (TryInvoke(string.Join(", ", _folders), () => orphans = new OrphanFinder().Find(_folders.Distinct(StringComparer.Ordinal), Recurse, referenced)))
        {
            WriteObject(orphans.Select(o => new OrphanedImageFile(o)), enumerateCollection: true);
        }
    }

    /// <summary>
    /// Every file or block path of every disk chain, live and persistent, of every domain on the hosts: one inventory
    /// of the live definitions (for an inactive domain that is its persistent one), then one of the persistent
    /// definitions of the running persistent domains alone.
    /// </summary>
    private List<string> ReferencedPaths(out bool incomplete)
    {
        var inventory = new HostDiskInventory(this, new BackingChainResolver());
        var hosts = ResolveHosts(Server);
        var paths = new List<string>();
        var runningPersistent = new HashSet<(VirtHost Host, string Name)>();
        foreach (var entry in inventory.Definitions(hosts, inactive: false))
        {
            AddPaths(paths, entry.Domain, inventory.Chains(entry));
            if (HostDiskInventory.IsActive(entry.Domain) && entry.Domain.Persistent)
            {
                runningPersistent.Add((entry.Domain.Host, entry.Domain.Name));
            }
        }

        if (runningPersistent.Count > 0)
        {
            foreach (var entry in inventory.Definitions(hosts.Where(h => runningPersistent.Any(d => d.Host == h)).ToList(), inactive: true,
                (host, name) => runningPersistent.Contains((host, name))))
            {
                AddPaths(paths, entry.Domain, inventory.Chains(entry));
            }
        }

        incomplete = inventory.Incomplete;
        return paths;
    }

    private void AddPaths(List<string> paths, VirtDomain domain, IReadOnlyList<(VirtDisk Disk, IReadOnlyList<BackingChainElement> Chain)> chains)
    {
        foreach (var (disk, chain) in chains)
        {
            if (disk.Type == "volume")
            {
                WriteWarning($"Disk {disk.Target} of domain {domain.Name} names a storage volume, not a file: the image behind it may be listed as orphaned.");
            }

            paths.AddRange(chain.Where(e => e.Path is not null && e.Type is "file" or "block").Select(e => e.Path!));
        }
    }
}
