using System.Management.Automation;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// The domain names a user gave: literal names and wildcard patterns (case-insensitive), with the PowerShell rule
/// that a literal name matching nothing is DomainNotFound while a wildcard matching nothing is silent.
/// </summary>
internal sealed class NameSelection
{
    private readonly List<WildcardPattern> _patterns;
    private readonly HashSet<string> _found = new(StringComparer.Ordinal);

    public NameSelection(string[]? names)
    {
        names ??= new[] { "*" };
        Literals = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList();
        _patterns = names.Where(WildcardPattern.ContainsWildcardCharacters)
            .Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
    }

    public IReadOnlyList<string> Literals { get; }

    public bool HasWildcards => _patterns.Count > 0;

    public bool Includes(string name) => Literals.Contains(name, StringComparer.Ordinal) || _patterns.Any(p => p.IsMatch(name));

    /// <summary>Records that a domain of this name was found.</summary>
    public void Found(string name) => _found.Add(name);

    /// <summary>Reports every literal name that no host had.</summary>
    public void ReportMissing(LibVirtCmdlet cmdlet)
    {
        foreach (var missing in Literals.Where(n => !_found.Contains(n)))
        {
            cmdlet.WriteFailure(NotFound($"Domain not found: no domain with matching name '{missing}'", missing), missing);
        }
    }

    public static LibVirtException NotFound(string message, object target) =>
        new(ErrorCode.NoDomain, ErrorDomain.Domain, message) { Target = target };
}
