using System.Text;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// The command the SSH server runs to bridge the channel to the daemon, chosen by libvirt's proxy rules:
/// <list type="bullet">
/// <item>native: <c>virt-ssh-helper URI</c>, which picks the daemon's socket on the remote host;</item>
/// <item>netcat: <c>nc -U SOCKET</c> (with <c>-q0</c> where that nc needs it to quit on end of input);</item>
/// <item>auto (the default): the helper when the remote host has it, else the netcat form. A socket= or netcat=
/// parameter means the user wants the netcat form, so auto then behaves as netcat.</item>
/// </list>
/// The netcat form cannot probe the remote host, so it names the monolithic daemon's socket (libvirt-sock) unless
/// socket= or mode=direct says otherwise. The command string is read by the remote login shell, and the script once
/// more by <c>sh -c</c>, so every argument is quoted for both.
/// </summary>
public static class SshRemoteCommand
{
    public const string Helper = "virt-ssh-helper";
    public const string DefaultNetcat = "nc";
    public const string SystemSocketDirectory = "/var/run/libvirt";

    public static string Build(LibvirtUri uri, bool readOnly)
    {
        var proxy = uri.Parameter("proxy") is { Length: > 0 } p ? p : "auto";
        var wantsNetcat = uri.Parameter("socket") is { Length: > 0 } || uri.Parameter("netcat") is { Length: > 0 };
        var helperUri = HelperUri(uri);
        return proxy switch
        {
            "native" when helperUri.Length == 0 => throw Invalid(uri,
                $"proxy=native needs a driver URI for {Helper}, but '{uri.Original}' names none"),
            "native" => HelperCommand(helperUri, readOnly),
            "netcat" => "sh -c " + Quote(NetcatScript(uri, readOnly)),
            "auto" when wantsNetcat || helperUri.Length == 0 => "sh -c " + Quote(NetcatScript(uri, readOnly)),
            "auto" => "sh -c " + Quote(
                $"if command -v {Helper} >/dev/null 2>&1; then exec {HelperCommand(helperUri, readOnly)}; fi; {NetcatScript(uri, readOnly)}"),
            var other => throw Invalid(uri, $"'{other}' is not a valid proxy (expected auto, netcat or native)"),
        };
    }

    /// <summary>The remote socket of the netcat form: socket= wins, else mode=direct names the driver's own daemon.</summary>
    public static string NetcatSocket(LibvirtUri uri, bool readOnly)
    {
        if (uri.Parameter("socket") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        if (uri.Path == "/session")
        {
            throw Invalid(uri, $"The netcat form cannot find a session daemon's socket on the remote host: give socket= or use {Helper}");
        }

        var suffix = readOnly ? "-sock-ro" : "-sock";
        return uri.Parameter("mode") == "direct"
            ? $"{SystemSocketDirectory}/virt{uri.Driver}d{suffix}"
            : $"{SystemSocketDirectory}/libvirt{suffix}";
    }

    /// <summary>Quotes one argument for a POSIX shell: single quotes, with each embedded quote closed, escaped and reopened.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The URI the helper opens on the remote host: the name sent in CONNECT_OPEN, plus mode= when given, so that
    /// the helper chooses the same daemon the user asked for.
    /// </summary>
    private static string HelperUri(LibvirtUri uri)
    {
        var name = RemoteNameOf(uri);
        if (name.Length == 0 || uri.Parameter("mode") is not { Length: > 0 } mode)
        {
            return name;
        }

        return new StringBuilder(name).Append(name.Contains('?') ? '&' : '?').Append("mode=").Append(mode).ToString();
    }

    private static string RemoteNameOf(LibvirtUri uri) =>
        uri.Driver == "remote" && uri.Parameter("name") is null ? "" : uri.RemoteName;

    private static string HelperCommand(string helperUri, bool readOnly) =>
        readOnly ? $"{Helper} -r {Quote(helperUri)}" : $"{Helper} {Quote(helperUri)}";

    /// <summary>
    /// OpenBSD netcat keeps running after its input ends unless given -q0, but other netcats have no -q at all: ask
    /// this one whether -q wants an argument, and pass -q0 only then.
    /// </summary>
    private static string NetcatScript(LibvirtUri uri, bool readOnly)
    {
        var netcat = Quote(uri.Parameter("netcat") is { Length: > 0 } n ? n : DefaultNetcat);
        var socket = Quote(NetcatSocket(uri, readOnly));
        return $"if {netcat} -q 2>&1 | grep 'requires an argument' >/dev/null 2>&1; then ARG=-q0; else ARG=; fi; exec {netcat} $ARG -U {socket}";
    }

    private static LibVirtException Invalid(LibvirtUri uri, string message) =>
        new(ErrorCode.InvalidArg, ErrorDomain.Remote, message) { Target = uri.Original };
}
