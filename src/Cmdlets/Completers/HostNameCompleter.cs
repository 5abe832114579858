using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LibVirtPS.Commands.Common;

namespace LibVirtPS.Commands.Completers;

/// <summary>Completes the names of connected hosts.</summary>
public sealed class HostNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(CompletionText.Unquote(wordToComplete) + "*", WildcardOptions.IgnoreCase);
        return ModuleSession.Current.Connected.Hosts.Select(h => h.Name).Where(pattern.IsMatch)
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).Select(CompletionText.Result);
    }
}
