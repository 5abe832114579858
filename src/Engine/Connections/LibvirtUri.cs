using System.Globalization;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Engine.Connections;

/// <summary>
/// A libvirt connection URI: driver[+transport]://[user@][host][:port]/path[?query]. Query parameters keep their
/// order and case, as libvirt passes them on. Parsing is strict: what libvirt would refuse is refused here.
/// </summary>
public sealed record LibvirtUri
{
    /// <summary>Parameters that configure the client side of a transport and are never sent to the daemon.</summary>
    public static readonly IReadOnlySet<string> ClientParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "name", "command", "socket", "auth", "netcat", "keyfile", "sshauth", "no_verify", "no_tty", "known_hosts",
        "known_hosts_verify", "pkipath", "tls_priority", "mode", "proxy", "tls",
    };

    /// <summary>Transports libvirt's remote driver knows.</summary>
    public static readonly IReadOnlySet<string> Transports = new HashSet<string>(StringComparer.Ordinal)
    {
        "unix", "tcp", "tls", "ssh", "libssh", "libssh2", "ext",
    };

    public required string Original { get; init; }
    public required string Driver { get; init; }

    /// <summary>The explicit transport after '+', or null.</summary>
    public string? Transport { get; init; }

    public string? User { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }

    /// <summary>The path, with its leading '/' ("/system", "/default", "/abs/node.xml"); empty when absent.</summary>
    public string Path { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The value of the last query parameter with this name (libvirt keeps the last), or null.</summary>
    public string? Parameter(string name) =>
        Query.LastOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The transport actually used: the explicit one, else tls with a host, else unix.</summary>
    public string EffectiveTransport => Transport ?? (string.IsNullOrEmpty(Host) ? "unix" : "tls");

    /// <summary>
    /// The name the client sends to the daemon in CONNECT_OPEN: the 'name' parameter when given, otherwise the URI
    /// without transport, user, host, port and client-only parameters.
    /// </summary>
    public string RemoteName
    {
        get
        {
            if (Parameter("name") is { } explicitName)
            {
                return explicitName;
            }

            var kept = Query.Where(p => !ClientParameters.Contains(p.Key)).Select(p => $"{Escape(p.Key)}={Escape(p.Value)}");
            var query = string.Join("&", kept);
            return $"{Driver}://{Path}" + (query.Length > 0 ? "?" + query : "");
        }
    }

    public static bool TryParse(string text, out LibvirtUri? uri, out string? error)
    {
        try
        {
            uri = Parse(text);
            error = null;
            return true;
        }
        catch (LibVirtException ex)
        {
            uri = null;
            error = ex.Message;
            return false;
        }
    }

    public static LibvirtUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw Invalid(text, "expected driver[+transport]://[user@][host][:port]/path");
        }

        var scheme = text[..schemeEnd];
        var plus = scheme.IndexOf('+');
        var driver = plus < 0 ? scheme : scheme[..plus];
        var transport = plus < 0 ? null : scheme[(plus + 1)..];
        if (!IsName(driver))
        {
            throw Invalid(text, $"'{driver}' is not a driver name");
        }

        if (transport is not null && !Transports.Contains(transport))
        {
            throw Invalid(text, $"unknown transport '{transport}' (expected one of {string.Join(", ", Transports)})");
        }

        var rest = text[(schemeEnd + 3)..];
        var fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        var queryStart = rest.IndexOf('?');
        var query = queryStart < 0 ? "" : rest[(queryStart + 1)..];
        if (queryStart >= 0)
        {
            rest = rest[..queryStart];
        }

        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : Unescape(text, rest[slash..]);
        var (user, host, port) = ParseAuthority(text, authority);
        return new LibvirtUri
        {
            Original = text,
            Driver = driver,
            Transport = transport,
            User = user,
            Host = host,
            Port = port,
            Path = path,
            Query = ParseQuery(text, query),
        };
    }

    public override string ToString() => Original;

    private static (string? User, string? Host, int? Port) ParseAuthority(string text, string authority)
    {
        string? user = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            user = Unescape(text, authority[..at]);
            authority = authority[(at + 1)..];
        }

        string host;
        int? port = null;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                throw Invalid(text, "unterminated IPv6 address");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                portText = after.StartsWith(':') ? after[1..] : throw Invalid(text, "unexpected text after IPv6 address");
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
        }

        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                throw Invalid(text, $"'{portText}' is not a port number");
            }

            port = p;
        }

        if (host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#'))
        {
            throw Invalid(text, $"'{host}' is not a host name");
        }

        return (string.IsNullOrEmpty(user) ? null : user, host.Length == 0 ? null : Unescape(text, host), port);
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string text, string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', ';'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var key = Unescape(text, eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Unescape(text, part[(eq + 1)..].Replace('+', ' '));
            pairs.Add(new(key, value));
        }

        return pairs;
    }

    private static bool IsName(string s) =>
        s.Length > 0 && char.IsAsciiLetter(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Unescape(string text, string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            throw Invalid(text, $"bad escape in '{value}'");
        }
    }

    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%2F", "/");

    private static LibVirtException Invalid(string text, string why) =>
        new(ErrorCode.InvalidArg, ErrorDomain.Uri, $"Invalid libvirt URI '{text}': {why}") { Target = text };
}
