using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>The environment the transport rules depend on, injectable for tests.</summary>
public sealed record TransportEnvironment(bool IsRoot, string? Home, string? RuntimeDirectory, Func<string, bool> Exists)
{
    public static TransportEnvironment Current { get; } = new(
        Environment.IsPrivilegedProcess,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"),
        File.Exists);
}

/// <summary>Where a URI leads: the transport and its destination.</summary>
public sealed record TransportTarget(string Transport, string Destination, int Port = 0);

/// <summary>Turns a URI into a connected <see cref="Stream"/> by the transport it names.</summary>
public static class RemoteTransport
{
    public static TransportTarget Describe(LibvirtUri uri, bool readOnly, TransportEnvironment environment) =>
        uri.EffectiveTransport switch
        {
            "unix" => new("unix", UnixSocketPaths.Resolve(uri, readOnly, environment.IsRoot, environment.RuntimeDirectory, environment.Exists)),
            "tcp" => new("tcp", RequireHost(uri), uri.Port ?? TcpTransport.DefaultPort),
            "tls" => new("tls", RequireHost(uri), uri.Port ?? TlsTransport.DefaultPort),
            "ssh" or "libssh" or "libssh2" => new("ssh", RequireHost(uri), uri.Port ?? SshSettings.DefaultPort),
            var other => throw new LibVirtException(ErrorCode.NoSupport, ErrorDomain.Remote,
                $"The '{other}' transport of '{uri.Original}' is not supported by this driver (use unix, tcp, tls or ssh)") { Target = uri.Original },
        };

    public static Task<Stream> ConnectAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken) =>
        ConnectAsync(uri, options, TransportEnvironment.Current, cancellationToken);

    public static Task<Stream> ConnectAsync(LibvirtUri uri, ConnectOptions options, TransportEnvironment environment,
        CancellationToken cancellationToken)
    {
        var target = Describe(uri, options.ReadOnly, environment);
        return target.Transport switch
        {
            "unix" => UnixSocketTransport.ConnectAsync(target.Destination, options.ConnectTimeout, cancellationToken),
            "tcp" => TcpTransport.ConnectAsync(target.Destination, target.Port, options.ConnectTimeout, cancellationToken),
            "ssh" => SshTransport.ConnectAsync(uri, options, cancellationToken),
            _ => TlsTransport.ConnectAsync(target.Destination, target.Port,
                TlsFiles.Resolve(uri, environment.IsRoot, environment.Home, environment.Exists),
                verifyServer: uri.Parameter("no_verify") != "1", options.ConnectTimeout, cancellationToken),
        };
    }

    private static string RequireHost(LibvirtUri uri) =>
        uri.Host ?? throw new LibVirtException(ErrorCode.InvalidArg, ErrorDomain.Remote,
            $"'{uri.Original}' names the {uri.EffectiveTransport} transport but no host") { Target = uri.Original };
}
