namespace LibVirtPS.Engine.Errors;

/// <summary>
/// The one engine exception type. It keeps libvirt's whole error (code, domain, level, message, str1..3) so that
/// the cmdlet layer can map it once to a stable ErrorId and category.
/// </summary>
public class LibVirtException : Exception
{
    public LibVirtException(ErrorCode code, string message, Exception? inner = null)
        : this(code, ErrorDomain.None, message, inner)
    {
    }

    public LibVirtException(ErrorCode code, ErrorDomain domain, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Domain = domain;
    }

    public ErrorCode Code { get; }
    public ErrorDomain Domain { get; }
    public ErrorLevel Level { get; init; } = ErrorLevel.Error;
    public string? Str1 { get; init; }
    public string? Str2 { get; init; }
    public string? Str3 { get; init; }
    public int Int1 { get; init; } = -1;
    public int Int2 { get; init; } = -1;

    /// <summary>The object the error is about (a domain name, a URI, a path), when known.</summary>
    public object? Target { get; init; }
}

/// <summary>XML that cannot be parsed or does not describe a valid object; names the line and element.</summary>
public sealed class InvalidXmlException : LibVirtException
{
    public InvalidXmlException(string message, int? line = null, string? element = null, Exception? inner = null)
        : base(ErrorCode.XmlError, ErrorDomain.Xml, Compose(message, line, element), inner)
    {
        Line = line;
        Element = element;
    }

    public int? Line { get; }
    public string? Element { get; }

    private static string Compose(string message, int? line, string? element)
    {
        var where = (line, element) switch
        {
            (int l, string e) => $" (line {l}, element <{e}>)",
            (int l, null) => $" (line {l})",
            (null, string e) => $" (element <{e}>)",
            _ => "",
        };
        return message + where;
    }
}
