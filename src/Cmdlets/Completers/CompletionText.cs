using System.Management.Automation;

namespace LibVirtPS.Commands.Completers;

/// <summary>Quoting rules shared by the completers.</summary>
internal static class CompletionText
{
    public static string Unquote(string word) => word.Trim('\'', '"');

    public static CompletionResult Result(string value)
    {
        var needsQuotes = value.Any(c => char.IsWhiteSpace(c) || c is '$' or '`' or '\'' or '"' or '(' or ')' or ';' or '&' or '|' or '{' or '}' or '@' or '#' or ',');
        var text = needsQuotes ? "'" + value.Replace("'", "''") + "'" : value;
        return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
    }
}
