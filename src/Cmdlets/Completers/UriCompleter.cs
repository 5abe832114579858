using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LibVirtPS.Commands.Completers;

/// <summary>Completes the common libvirt URIs.</summary>
public sealed class UriCompleter : IArgumentCompleter
{
    private static readonly string[] Common =
    {
        "test:///default", "qemu:///system", "qemu:///session", "qemu+ssh://root@host/system", "qemu+tls://host/system",
        "qemu+tcp://host/system", "lxc:///system", "xen:///system", "bhyve:///system", "ch:///system",
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = CompletionText.Unquote(wordToComplete);
        return Common.Where(u => u.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(CompletionText.Result);
    }
}
