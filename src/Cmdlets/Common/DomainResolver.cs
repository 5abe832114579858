using System.Management.Automation;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// Turns what the user named (names with wildcards, or UUIDs) into domains on the target hosts. A literal name or
/// UUID that matches nothing is reported as DomainNotFound (see <see cref="NameSelection"/>). Wildcards list every
/// host at once; literal names are looked up directly.
/// </summary>
internal sealed class DomainResolver
{
    private readonly LibVirtCmdlet _cmdlet;

    public DomainResolver(LibVirtCmdlet cmdlet) => _cmdlet = cmdlet;

    public IEnumerable<VirtDomain> ByName(IReadOnlyList<VirtHost> hosts, string[]? names)
    {
        var selection = new NameSelection(names);
        var domains = selection.HasWildcards
            ? _cmdlet.Successful(_cmdlet.Stream(HostFanOut.RunAsync(hosts,
                (host, ct) => DomainService.ListAsync(host, selection.Includes, ct), _cmdlet.CancellationToken)))
            : hosts.SelectMany(host => selection.Literals.Select(name => Lookup(host, DomainRef.ByName(name))).OfType<VirtDomain>());
        foreach (var domain in domains)
        {
            selection.Found(domain.Name);
            yield return domain;
        }

        selection.ReportMissing(_cmdlet);
    }

    public IEnumerable<VirtDomain> ByUuid(IReadOnlyList<VirtHost> hosts, Guid[] uuids)
    {
        foreach (var uuid in uuids)
        {
            var matches = hosts.Select(host => Lookup(host, DomainRef.ByUuid(uuid))).OfType<VirtDomain>().ToList();
            if (matches.Count == 0)
            {
                _cmdlet.WriteFailure(NameSelection.NotFound($"Domain not found: no domain with matching uuid '{uuid}'", uuid), uuid);
            }

            foreach (var domain in matches)
            {
                yield return domain;
            }
        }
    }

    private VirtDomain? Lookup(VirtHost host, DomainRef domain)
    {
        try
        {
            return _cmdlet.Run(ct => DomainService.LookupAsync(host, domain, ct));
        }
        catch (LibVirtException ex) when (ex.Code == ErrorCode.NoDomain)
        {
            return null;
        }
        catch (LibVirtException ex)
        {
            _cmdlet.WriteFailure(ex, host.Name);
            return null;
        }
    }
}
