using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Disk;

/// <summary>
/// Checks the backing chains of domains, disks or image files: True when no check finds an error or a warning,
/// else False; with -Detailed, one ChainFinding per problem instead. Domain chains are also compared with the image
/// headers and with the chains of the other running domains of their host.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VirtBackingChain", DefaultParameterSetName = DomainSet)]
[OutputType(typeof(bool))]
[OutputType(typeof(ChainFinding))]
public sealed class TestVirtBackingChainCommand : ChainQueryCmdlet
{
    // Domain definitions that may be read at once (see OrderedCalls).
    private const int DomainWindow = 32;
    private readonly ChainHealth _health = new();
    private readonly Dictionary<VirtHost, IReadOnlyList<ChainFinding>> _sharedByHost = new();
    private OrderedCalls<(string Name, IReadOnlyList<VirtDisk> Disks)>? _domains;

    /// <summary>Write the findings (problems and notes) instead of True or False.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        if (ReadsImageFiles)
        {
            foreach (var path in ResolveImagePaths())
            {
                TryInvoke(path, () => Report(_health.CheckImage(path, StatedFormat, MaxDepth)));
            }
        }
        else if (ParameterSetName == DiskSet)
        {
            foreach (var disk in Disk)
            {
                TryInvoke(disk.ToString(), () => Report(Check(disk)));
            }
        }
        else
        {
            // Definitions are read several at a time, reported in order; one that cannot be read gets an error record.
            _domains ??= new OrderedCalls<(string Name, IReadOnlyList<VirtDisk> Disks)>(this, DomainWindow);
            foreach (var domain in ResolveDomains())
            {
                _domains.Add(domain.Name, async ct => (domain.Name, await DiskService.GetDisksAsync(domain, ReadInactive, ct).ConfigureAwait(false)));
            }

            ReportDomains(_domains.Finished());
        }
    }

    protected override void EndProcessing()
    {
        if (_domains is not null)
        {
            ReportDomains(_domains.All());
        }
    }

    private void ReportDomains(IEnumerable<(string Name, IReadOnlyList<VirtDisk> Disks)> domains)
    {
        foreach (var (name, disks) in domains)
        {
            TryInvoke(name, () => Report(SelectTargets(disks).SelectMany(Check).ToList()));
        }
    }

    private IReadOnlyList<ChainFinding> Check(VirtDisk disk)
    {
        var chain = DiskService.GetBackingChain(disk, ChainResolverFor(disk.Host));
        var shared = SharedLayers(disk.Host).Where(f => f.Domain == disk.DomainName && f.Target == disk.Target);
        // The image headers can be compared with the XML only where the host's files are this computer's files.
        var own = IsLocal(disk.Host) ? _health.CheckDomainChain(chain) : _health.Check(chain);
        return own.Concat(shared).ToList();
    }

    /// <summary>Layers used by two running domains of the host, computed once per host and invocation.</summary>
    private IReadOnlyList<ChainFinding> SharedLayers(VirtHost host)
    {
        if (_sharedByHost.TryGetValue(host, out var known))
        {
            return known;
        }

        var inventory = new HostDiskInventory(this, ChainResolverFor(host));
        var running = inventory.Domains(new[] { host }).Where(HostDiskInventory.IsActive)
            .SelectMany(domain => inventory.Chains(domain, inactive: false)
                .Select(c => new DomainDiskChain(domain.Name, c.Disk.Target, Running: true, c.Chain)))
            .ToList();
        return _sharedByHost[host] = _health.SharedLayers(running);
    }

    private void Report(IReadOnlyList<ChainFinding> findings)
    {
        if (Detailed)
        {
            WriteObject(findings, enumerateCollection: true);
        }
        else
        {
            WriteObject(ChainHealth.IsHealthy(findings));
        }
    }
}
