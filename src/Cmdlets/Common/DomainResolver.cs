using System.Management.Automation;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// Turns what the user named (names with wildcards, UUIDs, or domain objects) into domains on the target hosts.
/// A literal name or UUID that matches nothing is reported as DomainNotFound; a wildcard that matches nothing is
/// silent, as in PowerShell's own cmdlets.
/// </summary>
internal sealed class DomainResolver
{
    private readonly LibVirtCmdlet _cmdlet;

    public DomainResolver(LibVirtCmdlet cmdlet) => _cmdlet = cmdlet;

    public IEnumerable<VirtDomain> ByName(IReadOnlyList<VirtHost> hosts, string[]? names, CancellationToken cancellationToken)
    {
        names ??= new[] { "*" };
        var literals = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList();
        var patterns = names.Where(WildcardPattern.ContainsWildcardCharacters)
            .Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            if (patterns.Count > 0)
            {
                foreach (var domain in List(host, cancellationToken))
                {
                    if (patterns.Any(p => p.IsMatch(domain.Name)) || literals.Contains(domain.Name, StringComparer.Ordinal))
                    {
                        found.Add(domain.Name);
                        yield return domain;
                    }
                }

                continue;
            }

            foreach (var name in literals)
            {
                var domain = Lookup(host, DomainRef.ByName(name), cancellationToken, reportMissing: false);
                if (domain is not null)
                {
                    found.Add(name);
                    yield return domain;
                }
            }
        }

        foreach (var missing in literals.Where(n => !found.Contains(n)))
        {
            _cmdlet.WriteFailure(NotFound($"Domain not found: no domain with matching name '{missing}'", missing), missing);
        }
    }

    public IEnumerable<VirtDomain> ByUuid(IReadOnlyList<VirtHost> hosts, Guid[] uuids, CancellationToken cancellationToken)
    {
        foreach (var uuid in uuids)
        {
            var any = false;
            foreach (var host in hosts)
            {
                var domain = Lookup(host, DomainRef.ByUuid(uuid), cancellationToken, reportMissing: false);
                if (domain is not null)
                {
                    any = true;
                    yield return domain;
                }
            }

            if (!any)
            {
                _cmdlet.WriteFailure(NotFound($"Domain not found: no domain with matching uuid '{uuid}'", uuid), uuid);
            }
        }
    }

    private IEnumerable<VirtDomain> List(VirtHost host, CancellationToken cancellationToken)
    {
        IEnumerator<VirtDomain>? enumerator = null;
        try
        {
            enumerator = _cmdlet.Stream(DomainService.ListAsync(host, cancellationToken)).GetEnumerator();
        }
        catch (Exception ex) when (ex is LibVirtException or IOException)
        {
            _cmdlet.WriteFailure(ex, host);
        }

        while (enumerator is not null)
        {
            VirtDomain current;
            try
            {
                if (!enumerator.MoveNext())
                {
                    break;
                }

                current = enumerator.Current;
            }
            catch (Exception ex) when (ex is LibVirtException or IOException)
            {
                _cmdlet.WriteFailure(ex, host);
                break;
            }

            yield return current;
        }

        enumerator?.Dispose();
    }

    private VirtDomain? Lookup(VirtHost host, DomainRef domain, CancellationToken cancellationToken, bool reportMissing)
    {
        try
        {
            return _cmdlet.Run(ct => DomainService.LookupAsync(host, domain, ct));
        }
        catch (LibVirtException ex) when (ex.Code == ErrorCode.NoDomain && !reportMissing)
        {
            return null;
        }
        catch (LibVirtException ex)
        {
            _cmdlet.WriteFailure(ex, domain.ToString());
            return null;
        }
    }

    private static LibVirtException NotFound(string message, object target) =>
        new(ErrorCode.NoDomain, ErrorDomain.Domain, message) { Target = target };
}
