using System.Net.Sockets;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Connections;

/// <summary>Opens hosts from URIs and applies the default-URI rules.</summary>
public sealed class ConnectionService
{
    public const string EmbeddedDefaultUri = "test:///default";
    public const string DefaultUriVariable = "LIBVIRT_DEFAULT_URI";

    /// <summary>How long the default-URI rule waits for a local daemon socket to accept.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(250);

    private readonly DriverRegistry _registry;
    private readonly Func<string, string?> _environment;
    private readonly Func<string?> _localDaemonProbe;

    public ConnectionService(DriverRegistry registry, Func<string, string?>? environment = null)
        : this(registry, environment, null)
    {
    }

    /// <param name="registry">The drivers.</param>
    /// <param name="environment">Reads environment variables.</param>
    /// <param name="localDaemonProbe">
    /// Returns the URI of a local libvirt daemon whose socket answers, or null; defaults to
    /// <see cref="ProbeLocalDaemon"/> over this process's environment.
    /// </param>
    public ConnectionService(DriverRegistry registry, Func<string, string?>? environment, Func<string?>? localDaemonProbe)
    {
        _registry = registry;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _localDaemonProbe = localDaemonProbe ?? (() => ProbeLocalDaemon(Environment.IsPrivilegedProcess, _environment("XDG_RUNTIME_DIR"), ProbeTimeout));
    }

    /// <summary>
    /// The URI used when none is given: LIBVIRT_DEFAULT_URI when set; else a local libvirt daemon whose socket
    /// answers (qemu:///system for root, qemu:///session otherwise); else the embedded test host.
    /// </summary>
    public string ResolveDefaultUri()
    {
        var fromEnvironment = _environment(DefaultUriVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        return _localDaemonProbe() ?? EmbeddedDefaultUri;
    }

    public async Task<VirtHost> ConnectAsync(string? uri, string? name, ConnectOptions options, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(uri) ? ResolveDefaultUri() : uri.Trim();
        var parsed = LibvirtUri.Parse(text);
        var driver = await _registry.OpenAsync(parsed, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var info = await driver.GetHostInfoAsync(cancellationToken).ConfigureAwait(false);
            return new VirtHost(string.IsNullOrWhiteSpace(name) ? text : name, text, driver, info);
        }
        catch
        {
            await driver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// libvirt's local default: root talks to the system daemon (the QEMU daemon's own socket, else the monolithic
    /// libvirtd socket), other users to their session daemon under XDG_RUNTIME_DIR. Returns the URI of the first
    /// socket that accepts a connection within <paramref name="timeout"/>, or null.
    /// </summary>
    public static string? ProbeLocalDaemon(bool isRoot, string? runtimeDirectory, TimeSpan timeout)
    {
        if (!Socket.OSSupportsUnixDomainSockets)
        {
            return null;
        }

        var (directory, uri) = isRoot
            ? ("/var/run/libvirt", "qemu:///system")
            : (string.IsNullOrEmpty(runtimeDirectory) ? null : Path.Combine(runtimeDirectory, "libvirt"), "qemu:///session");
        if (directory is null)
        {
            return null;
        }

        foreach (var socketName in new[] { "virtqemud-sock", "libvirt-sock" })
        {
            var path = Path.Combine(directory, socketName);
            if (File.Exists(path) && SocketAnswers(path, timeout))
            {
                return uri;
            }
        }

        return null;
    }

    /// <summary>True when a UNIX socket accepts a connection within the timeout (a stale socket file refuses).</summary>
    public static bool SocketAnswers(string path, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            return socket.Poll((int)timeout.TotalMicroseconds, SelectMode.SelectWrite)
                && (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! == 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
