using System.Management.Automation;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Common;

/// <summary>Selects hosts by name with wildcards; a literal name that is not connected is a HostNotFound error.</summary>
internal static class HostNameFilter
{
    public static IReadOnlyList<VirtHost> Select(LibVirtCmdlet cmdlet, IReadOnlyList<VirtHost> hosts, string[]? names)
    {
        if (names is null)
        {
            return hosts;
        }

        var selected = new List<VirtHost>();
        foreach (var name in names)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matches = hosts.Where(h => pattern.IsMatch(h.Name) || pattern.IsMatch(h.Uri)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                cmdlet.WriteError(ErrorMapper.Create("HostNotFound", ErrorCategory.ObjectNotFound, $"No connected host is named '{name}'", name));
            }

            selected.AddRange(matches.Where(m => !selected.Contains(m)));
        }

        return selected;
    }
}
