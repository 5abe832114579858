using System.Net.Sockets;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// The ssh, libssh and libssh2 transports, all served by SSH.NET: log in to the host, check its key, run the bridge
/// command (<see cref="SshRemoteCommand"/>) and hand its stdin/stdout over as the RPC stream. libvirt's local ssh
/// binary (command=) and no_tty have no meaning here: there is no child process and nothing ever prompts.
/// </summary>
public static class SshTransport
{
    /// <summary>How often an idle session sends an SSH keepalive, so that a dead peer is noticed.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static Task<Stream> ConnectAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken) =>
        ConnectAsync(uri, options, SshEnvironment.Current, cancellationToken);

    public static async Task<Stream> ConnectAsync(LibvirtUri uri, ConnectOptions options, SshEnvironment environment,
        CancellationToken cancellationToken)
    {
        var settings = SshSettings.From(uri, options, environment);
        var peer = $"{settings.User}@{settings.KnownHostsName}";
        using var credentials = SshCredentials.Create(settings, options, environment);
        var info = new ConnectionInfo(settings.Host, settings.Port, settings.User, credentials.Methods.ToArray())
        {
            Timeout = options.ConnectTimeout,
        };
        PreferKnownHostKeys(info, settings);
        var client = new SshClient(info) { KeepAliveInterval = KeepAliveInterval };
        var verifier = new SshHostKeyVerifier(settings);
        client.HostKeyReceived += (_, e) => e.CanTrust = verifier.Verify(e.HostKey);
        try
        {
            await ConnectClientAsync(client, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return await StartBridgeAsync(client, settings.RemoteCommand, peer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            client.Dispose();
            var translated = Translate(ex, verifier, settings, credentials, options, uri, cancellationToken);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
    }

    private static void PreferKnownHostKeys(ConnectionInfo info, SshSettings settings)
    {
        if (settings.HostKeyCheck == SshHostKeyCheck.Ignore || settings.KnownHostsPath is not { } path || !File.Exists(path))
        {
            return;
        }

        var known = SshKnownHosts.KeyTypesFor(File.ReadLines(path), settings.KnownHostsName);
        var order = SshKnownHosts.PreferKnownTypes(info.HostKeyAlgorithms.Keys.ToList(), known);
        for (var position = 0; position < order.Count; position++)
        {
            info.HostKeyAlgorithms.SetPosition(order[position], position);
        }
    }

    /// <summary>
    /// Connects within the timeout. SSH.NET's own cancellation does not cover every step of the handshake, so the
    /// wait is abandoned on timeout or Ctrl+C and disposing the client (by the caller) tears the socket down.
    /// </summary>
    private static async Task ConnectClientAsync(SshClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var connecting = client.ConnectAsync(limit.Token);
        try
        {
            await connecting.WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Observe(connecting);
            throw new TimeoutException($"No SSH session within {timeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            Observe(connecting);
            throw;
        }
    }

    private static async Task<Stream> StartBridgeAsync(SshClient client, string remoteCommand, string peer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Opening the channel blocks until the server answers; keep that off the caller's thread.
        var command = client.CreateCommand(remoteCommand);
        var (execution, input) = await Task.Run(() =>
        {
            var running = command.ExecuteAsync(CancellationToken.None);
            return (running, command.CreateInputStream());
        }, cancellationToken).ConfigureAwait(false);
        return new SshCommandStream(client, command, execution, input, peer);
    }

    private static Exception Translate(Exception ex, SshHostKeyVerifier verifier, SshSettings settings, SshCredentials credentials,
        ConnectOptions options, LibvirtUri uri, CancellationToken cancellationToken)
    {
        var where = $"{settings.User}@{settings.KnownHostsName}";
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return ex;
        }

        if (verifier.Refusal is { } refusal)
        {
            return new ConnectionException(refusal, ex, lost: false);
        }

        return ex switch
        {
            SshAuthenticationException => new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote,
                $"SSH authentication as '{settings.User}' on {settings.KnownHostsName} failed ({Tried(settings, credentials, options)}): {ex.Message}", ex)
            {
                Target = uri.Original,
            },
            TimeoutException or SshOperationTimeoutException => new ConnectionException(
                $"Cannot connect to {where}: timed out after {options.ConnectTimeout.TotalSeconds:0.#} s", ex, lost: false),
            SocketException or SshException or ProxyException or IOException or InvalidOperationException => new ConnectionException(
                $"Cannot connect to {where}: {ex.Message}", ex, lost: false),
            _ => ex,
        };
    }

    /// <summary>Names the methods that were offered, never a secret: which key files, and whether a password was given.</summary>
    private static string Tried(SshSettings settings, SshCredentials credentials, ConnectOptions options)
    {
        var parts = new List<string>();
        if (credentials.KeyFiles.Count > 0)
        {
            parts.Add((credentials.KeyFiles.Count == 1 ? "the key " : "the keys ") + string.Join(", ", credentials.KeyFiles));
        }

        if (options.Password is { Length: > 0 } && settings.AuthMethods.Any(m => m is SshAuthMethod.Password or SshAuthMethod.KeyboardInteractive))
        {
            parts.Add("a password");
        }

        return "tried " + string.Join(" and ", parts);
    }

    private static void Observe(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
