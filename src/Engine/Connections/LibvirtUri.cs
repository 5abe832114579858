using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Engine.Connections;

/// <summary>
/// A libvirt connection URI: driver[+transport]://[user@][host][:port]/path[?query][#fragment]. Query parameters
/// keep their order and case, as libvirt passes them on. Parsing is strict: what libvirt would refuse (a URI that
/// is not RFC 3986, an unknown transport, a bad option value) is refused here with InvalidArg.
/// </summary>
public sealed record LibvirtUri
{
    /// <summary>Parameters that configure the client side of a transport and are never sent to the daemon.</summary>
    public static readonly IReadOnlySet<string> ClientParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "name", "command", "socket", "auth", "sshauth", "netcat", "keyfile", "pkipath", "known_hosts",
        "known_hosts_verify", "tls_priority", "mode", "proxy", "no_sanity", "no_verify", "no_tty", "authfile",
    };

    /// <summary>Transports libvirt's remote driver knows (matched case-insensitively).</summary>
    public static readonly IReadOnlySet<string> Transports = new HashSet<string>(StringComparer.Ordinal)
    {
        "unix", "tcp", "tls", "ssh", "libssh", "libssh2", "ext",
    };

    /// <summary>
    /// Drivers that libvirt's client library runs itself instead of asking a daemon: ESX/vCenter and Hyper-V speak
    /// the hypervisor's own web API; test, VMware desktop and OpenVZ run locally (only without a host).
    /// </summary>
    private static readonly IReadOnlySet<string> ClientSideWithHost = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "esx", "gsx", "vpx", "hyperv",
    };

    private static readonly IReadOnlySet<string> ClientSideLocalOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "test", "vmwareplayer", "vmwarews", "vmwarefusion", "openvz",
    };

    /// <summary>Parameters whose value libvirt checks against a fixed list before it connects.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> EnumeratedParameters =
        new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["mode"] = new[] { "auto", "legacy", "direct" },
            ["proxy"] = new[] { "auto", "netcat", "native" },
            ["known_hosts_verify"] = new[] { "normal", "auto", "ignore" },
        };

    /// <summary>Parameters libvirt reads as integers (0 = off, anything else = on).</summary>
    private static readonly IReadOnlySet<string> IntegerParameters =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "no_sanity", "no_verify", "no_tty" };

    public required string Original { get; init; }
    public required string Driver { get; init; }

    /// <summary>The explicit transport after '+' in lower case, or null.</summary>
    public string? Transport { get; init; }

    public string? User { get; init; }

    /// <summary>The host without IPv6 brackets, or null when the URI names none.</summary>
    public string? Host { get; init; }

    public int? Port { get; init; }

    /// <summary>The path, with its leading '/' ("/system", "/default", "/abs/node.xml"); empty when absent.</summary>
    public string Path { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The unescaped fragment after '#', or null. libvirt passes it on to the daemon.</summary>
    public string? Fragment { get; init; }

    /// <summary>The value of the last query parameter with this name (libvirt keeps the last), or null.</summary>
    public string? Parameter(string name) =>
        Query.LastOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The transport actually used: the explicit one, else tls with a host, else unix.</summary>
    public string EffectiveTransport => Transport ?? (string.IsNullOrEmpty(Host) ? "unix" : "tls");

    /// <summary>
    /// True when libvirt's client library serves this URI itself rather than through a daemon, so the transport
    /// rules do not apply (test:///..., esx://, hyperv://, ...).
    /// </summary>
    public bool IsClientSideDriver => Transport is null
        && (ClientSideWithHost.Contains(Driver) || (Host is null && ClientSideLocalOnly.Contains(Driver)));

    /// <summary>
    /// The name the client sends to the daemon in CONNECT_OPEN: the 'name' parameter when given; "" for the
    /// remote scheme (the daemon picks); otherwise driver://path?query#fragment without transport, user, host,
    /// port and client-only parameters. Values are re-escaped the way libvirt re-escapes them.
    /// </summary>
    public string RemoteName
    {
        get
        {
            if (Parameter("name") is { } explicitName)
            {
                return explicitName;
            }

            if (Driver == "remote")
            {
                return "";
            }

            var text = new StringBuilder(Driver).Append("://");
            AppendEscaped(text, Path, IsPathFormatChar);
            var kept = Query.Where(p => !ClientParameters.Contains(p.Key)).ToList();
            if (kept.Count > 0)
            {
                text.Append('?').AppendJoin('&', kept.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
            }

            if (Fragment is not null)
            {
                text.Append('#');
                AppendEscaped(text, Fragment, c => IsUnreservedMark(c) || ";/?:@&=+$,[]".Contains(c));
            }

            return text.ToString();
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
        if (!IsScheme(scheme))
        {
            throw Invalid(text, $"'{scheme}' is not a URI scheme");
        }

        var plus = scheme.IndexOf('+');
        var driver = plus < 0 ? scheme : scheme[..plus];
        var transport = plus < 0 ? null : scheme[(plus + 1)..].ToLowerInvariant();
        if (transport is not null && !Transports.Contains(transport))
        {
            throw Invalid(text, $"unknown transport '{transport}' (expected one of tls, unix, ssh, ext, tcp, libssh2, libssh)");
        }

        var rest = text[(schemeEnd + 3)..];
        string? fragment = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            fragment = Unescape(text, Checked(text, rest[(hash + 1)..], IsQueryChar, "fragment"));
            rest = rest[..hash];
        }

        var queryStart = rest.IndexOf('?');
        var query = queryStart < 0 ? "" : Checked(text, rest[(queryStart + 1)..], IsQueryChar, "query");
        if (queryStart >= 0)
        {
            rest = rest[..queryStart];
        }

        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : Unescape(text, Checked(text, rest[slash..], c => c == '/' || IsPathChar(c), "path"));
        var (user, host, port) = ParseAuthority(text, authority);
        var uri = new LibvirtUri
        {
            Original = text,
            Driver = driver,
            Transport = transport,
            User = user,
            Host = host,
            Port = port,
            Path = path,
            Query = ParseQuery(text, query),
            Fragment = fragment,
        };
        Validate(uri);
        return uri;
    }

    public override string ToString() => Original;

    /// <summary>The checks libvirt's remote driver makes before it opens anything.</summary>
    private static void Validate(LibvirtUri uri)
    {
        if (uri.Transport == "unix" && uri.Host is not null)
        {
            throw Invalid(uri.Original, $"the unix transport cannot reach the remote host '{uri.Host}'");
        }

        if (uri.Transport == "ext" && string.IsNullOrEmpty(uri.Parameter("command")))
        {
            throw Invalid(uri.Original, "the ext transport needs a command= parameter");
        }

        foreach (var (key, value) in uri.Query)
        {
            if (EnumeratedParameters.TryGetValue(key, out var allowed) && !allowed.Contains(value, StringComparer.Ordinal))
            {
                throw Invalid(uri.Original, $"'{value}' is not a valid {key} (expected {string.Join(", ", allowed)})");
            }

            if (IntegerParameters.Contains(key)
                && !int.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw Invalid(uri.Original, $"{key} must be an integer, not '{value}'");
            }
        }
    }

    private static (string? User, string? Host, int? Port) ParseAuthority(string text, string authority)
    {
        string? user = null;
        var at = authority.IndexOf('@');
        if (at >= 0)
        {
            user = Unescape(text, Checked(text, authority[..at], c => c == ':' || IsSubDelimOrUnreserved(c), "user name"));
            authority = authority[(at + 1)..];
        }

        string host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                throw Invalid(text, "unterminated IPv6 address");
            }

            host = Unescape(text, authority[1..close]);
            if (!IPAddress.TryParse(host, out var address)
                || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw Invalid(text, $"'{host}' is not an IPv6 address");
            }

            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                portText = after.StartsWith(':') ? after[1..] : throw Invalid(text, "unexpected text after IPv6 address");
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
            host = Unescape(text, Checked(text, host, IsSubDelimOrUnreserved, "host name"));
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                throw Invalid(text, $"'{portText}' is not a port number (1-65535)");
            }

            port = p;
        }

        if (host.Any(char.IsWhiteSpace))
        {
            throw Invalid(text, $"'{host}' is not a host name");
        }

        return (string.IsNullOrEmpty(user) ? null : user, host.Length == 0 ? null : host, port);
    }

    /// <summary>
    /// libvirt's query splitting: the next '&amp;' ends a parameter, or ';' when no '&amp;' follows; "name" alone has
    /// the value ""; "=value" and empty parts are dropped. '+' is not a space.
    /// </summary>
    private static List<KeyValuePair<string, string>> ParseQuery(string text, string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var rest = query;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf('&');
            if (end < 0)
            {
                end = rest.IndexOf(';');
            }

            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? "" : rest[(end + 1)..];
            var eq = part.IndexOf('=');
            if (part.Length == 0 || eq == 0)
            {
                continue;
            }

            var key = Unescape(text, eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Unescape(text, part[(eq + 1)..]);
            pairs.Add(new(key, value));
        }

        return pairs;
    }

    /// <summary>RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    private static bool IsScheme(string s) =>
        s.Length > 0 && char.IsAsciiLetter(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    private static bool IsSubDelimOrUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=%".Contains(c);

    private static bool IsPathChar(char c) => IsSubDelimOrUnreserved(c) || c is ':' or '@';

    private static bool IsQueryChar(char c) => IsPathChar(c) || c is '/' or '?';

    /// <summary>Characters libxml2 leaves unescaped in a path when libvirt formats the name.</summary>
    private static bool IsUnreservedMark(char c) => char.IsAsciiLetterOrDigit(c) || "-_.!~*'()".Contains(c);

    private static bool IsPathFormatChar(char c) => IsUnreservedMark(c) || "/;@&=+$,".Contains(c);

    private static string Checked(string text, string part, Func<char, bool> allowed, string what)
    {
        var bad = part.FirstOrDefault(c => !allowed(c));
        if (bad != default)
        {
            throw Invalid(text, $"the {what} contains the character '{bad}'; escape it as %{(int)bad:X2}");
        }

        return part;
    }

    private static string Unescape(string text, string value)
    {
        for (var i = value.IndexOf('%'); i >= 0; i = value.IndexOf('%', i + 1))
        {
            if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
            {
                throw Invalid(text, $"bad percent escape in '{value}'");
            }
        }

        return Uri.UnescapeDataString(value);
    }

    private static void AppendEscaped(StringBuilder text, string value, Func<char, bool> keep)
    {
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b < 0x80 && keep((char)b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }

    private static LibVirtException Invalid(string text, string why) =>
        new(ErrorCode.InvalidArg, ErrorDomain.Uri, $"Invalid libvirt URI '{text}': {why}") { Target = text };
}
