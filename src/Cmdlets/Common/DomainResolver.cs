using System.Management.Automation;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// Turns what the user named (names with wildcards, or UUIDs) into domains on the target hosts. A literal name or
/// UUID that matches nothing is reported as DomainNotFound; a wildcard that matches nothing is silent, as in
/// PowerShell's own cmdlets. Wildcards list every host at once; literal names are looked up directly.
/// </summary>
internal sealed class DomainResolver
{
    private readonly LibVirtCmdlet _cmdlet;

    public DomainResolver(LibVirtCmdlet cmdlet) => _cmdlet = cmdlet;

    public IEnumerable<VirtDomain> ByName(IReadOnlyList<VirtHost> hosts, string[]? names)
    {
        names ??= new[] { "*" };
        var literals = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList();
        var patterns = names.Where(WildcardPattern.ContainsWildcardCharacters)
            .Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var found = new HashSet<string>(StringComparer.Ordinal);
        var domains = patterns.Count > 0
            ? ListAll(hosts).Where(d => patterns.Any(p => p.IsMatch(d.Name)) || literals.Contains(d.Name, StringComparer.Ordinal))
            : hosts.SelectMany(host => literals.Select(name => Lookup(host, DomainRef.ByName(name))).OfType<VirtDomain>());
        foreach (var domain in domains)
        {
            found.Add(domain.Name);
            yield return domain;
        }

        foreach (var missing in literals.Where(n => !found.Contains(n)))
        {
            _cmdlet.WriteFailure(NotFound($"Domain not found: no domain with matching name '{missing}'", missing), missing);
        }
    }

    public IEnumerable<VirtDomain> ByUuid(IReadOnlyList<VirtHost> hosts, Guid[] uuids)
    {
        foreach (var uuid in uuids)
        {
            var matches = hosts.Select(host => Lookup(host, DomainRef.ByUuid(uuid))).OfType<VirtDomain>().ToList();
            if (matches.Count == 0)
            {
                _cmdlet.WriteFailure(NotFound($"Domain not found: no domain with matching uuid '{uuid}'", uuid), uuid);
            }

            foreach (var domain in matches)
            {
                yield return domain;
            }
        }
    }

    /// <summary>Every domain of every host, hosts queried concurrently; a failing host reports its own error.</summary>
    private IEnumerable<VirtDomain> ListAll(IReadOnlyList<VirtHost> hosts)
    {
        foreach (var result in _cmdlet.Stream(HostFanOut.RunAsync(hosts, DomainService.ListAsync, _cmdlet.CancellationToken)))
        {
            if (result.Error is not null)
            {
                _cmdlet.WriteFailure(result.Error, result.Host.Name);
            }
            else if (result.Item is not null)
            {
                yield return result.Item;
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

    private static LibVirtException NotFound(string message, object target) =>
        new(ErrorCode.NoDomain, ErrorDomain.Domain, message) { Target = target };
}
