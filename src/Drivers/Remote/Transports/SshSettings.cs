using System.Globalization;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>How the server's host key is checked against the known-hosts file.</summary>
public enum SshHostKeyCheck
{
    /// <summary>Only a key already listed is accepted; an unknown or changed key refuses the connection.</summary>
    Normal,

    /// <summary>An unknown key is accepted and added to the file; a changed key still refuses the connection.</summary>
    Auto,

    /// <summary>No check at all.</summary>
    Ignore,
}

/// <summary>Authentication methods in the order the URI's sshauth parameter lists them.</summary>
public enum SshAuthMethod
{
    Agent,
    PrivateKey,
    Password,
    KeyboardInteractive,
}

/// <summary>The local facts the SSH transport depends on, injectable for tests.</summary>
public sealed record SshEnvironment(string? Home, string UserName)
{
    public static SshEnvironment Current { get; } = new(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Environment.UserName);

    /// <summary>The folder of the user's SSH files (~/.ssh), or null without a home folder.</summary>
    public string? SshDirectory => string.IsNullOrEmpty(Home) ? null : Path.Combine(Home, ".ssh");
}

/// <summary>
/// What one SSH connection needs, read from the URI's libvirt parameters and the connect options: where to go, as
/// whom, how to check the host key, which authentication methods to try, and which command bridges to the daemon.
/// </summary>
public sealed record SshSettings
{
    public const int DefaultPort = 22;

    private static readonly SshAuthMethod[] DefaultMethods =
        { SshAuthMethod.PrivateKey, SshAuthMethod.Password, SshAuthMethod.KeyboardInteractive };

    public required string Host { get; init; }
    public int Port { get; init; } = DefaultPort;
    public required string User { get; init; }

    /// <summary>The one key file to use, or null to try the user's default keys.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The known-hosts file to check the host key against (and to add to, with <see cref="SshHostKeyCheck.Auto"/>).</summary>
    public string? KnownHostsPath { get; init; }

    public SshHostKeyCheck HostKeyCheck { get; init; }
    public IReadOnlyList<SshAuthMethod> AuthMethods { get; init; } = DefaultMethods;
    public required string RemoteCommand { get; init; }

    /// <summary>The host as known-hosts files name it: "host" on port 22, "[host]:port" otherwise.</summary>
    public string KnownHostsName => SshKnownHosts.HostName(Host, Port);

    public static SshSettings From(LibvirtUri uri, ConnectOptions options, SshEnvironment environment)
    {
        var host = uri.Host ?? throw Invalid(uri, $"'{uri.Original}' names the {uri.EffectiveTransport} transport but no host");
        return new SshSettings
        {
            Host = host,
            Port = uri.Port ?? DefaultPort,
            User = ResolveUser(uri, options, environment),
            KeyFile = options.KeyFilePath ?? NonEmpty(uri.Parameter("keyfile")),
            KnownHostsPath = NonEmpty(uri.Parameter("known_hosts"))
                ?? (environment.SshDirectory is { } ssh ? Path.Combine(ssh, "known_hosts") : null),
            HostKeyCheck = ResolveHostKeyCheck(uri),
            AuthMethods = ResolveAuthMethods(uri),
            RemoteCommand = SshRemoteCommand.Build(uri, options.ReadOnly),
        };
    }

    /// <summary>The URI's user, else the credential's, else the local user; a URI and a credential that disagree are refused.</summary>
    private static string ResolveUser(LibvirtUri uri, ConnectOptions options, SshEnvironment environment)
    {
        if (uri.User?.Contains(':', StringComparison.Ordinal) == true)
        {
            // Named without the URI, which holds the password.
            throw new LibVirtException(ErrorCode.InvalidArg, ErrorDomain.Remote,
                "The URI carries a password after the user name: give the password with -Credential instead");
        }

        var fromOptions = NonEmpty(options.UserName);
        if (uri.User is { } fromUri && fromOptions is not null && !string.Equals(fromUri, fromOptions, StringComparison.Ordinal))
        {
            throw Invalid(uri, $"The URI logs in as '{fromUri}' but the credential names '{fromOptions}': give one user name");
        }

        return uri.User ?? fromOptions ?? environment.UserName;
    }

    private static SshHostKeyCheck ResolveHostKeyCheck(LibvirtUri uri)
    {
        if (uri.Parameter("no_verify") is { } noVerify
            && int.TryParse(noVerify, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            && n != 0)
        {
            return SshHostKeyCheck.Ignore;
        }

        return uri.Parameter("known_hosts_verify") switch
        {
            null or "" or "normal" => SshHostKeyCheck.Normal,
            "auto" => SshHostKeyCheck.Auto,
            "ignore" => SshHostKeyCheck.Ignore,
            var other => throw Invalid(uri, $"'{other}' is not a valid known_hosts_verify (expected normal, auto or ignore)"),
        };
    }

    private static IReadOnlyList<SshAuthMethod> ResolveAuthMethods(LibvirtUri uri)
    {
        if (NonEmpty(uri.Parameter("sshauth")) is not { } list)
        {
            return DefaultMethods;
        }

        var methods = new List<SshAuthMethod>();
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var method = name switch
            {
                "agent" => SshAuthMethod.Agent,
                "privkey" => SshAuthMethod.PrivateKey,
                "password" => SshAuthMethod.Password,
                "keyboard-interactive" => SshAuthMethod.KeyboardInteractive,
                _ => throw Invalid(uri, $"'{name}' is not an sshauth method (expected agent, privkey, password or keyboard-interactive)"),
            };
            if (!methods.Contains(method))
            {
                methods.Add(method);
            }
        }

        return methods;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static LibVirtException Invalid(LibvirtUri uri, string message) =>
        new(ErrorCode.InvalidArg, ErrorDomain.Remote, message) { Target = uri.Original };
}
