using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Services;

namespace LibVirtPS.Commands.Completers;

/// <summary>Completes domain names from the hosts the session targets (one list per host and completion).</summary>
public sealed class DomainNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(CompletionText.Unquote(wordToComplete) + "*", WildcardOptions.IgnoreCase);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var host in ModuleSession.Current.TargetHostsAsync(timeout.Token).GetAwaiter().GetResult())
            {
                var list = DomainService.ListAsync(host, pattern.IsMatch, timeout.Token).ToBlockingEnumerable(timeout.Token);
                names.UnionWith(list.Select(d => d.Name));
            }
        }
        catch (Exception ex) when (ex is Engine.Errors.LibVirtException or OperationCanceledException or IOException)
        {
            // Completion is best effort: an unreachable host offers nothing rather than an error mid-typing.
        }

        return names.Select(CompletionText.Result);
    }
}
