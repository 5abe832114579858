using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// TLS to a daemon that listens with listen_tls (default port 16514): the client presents its certificate, checks
/// the server's chain against libvirt's CA file and its name against the host (unless no_verify=1), and then reads
/// the daemon's one-byte acceptance (1) before any RPC packet.
/// </summary>
public static class TlsTransport
{
    public const int DefaultPort = 16514;

    public static async Task<Stream> ConnectAsync(string host, int port, TlsFiles files, bool verifyServer, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var clientCertificate = LoadClientCertificate(files);
        var trusted = verifyServer ? LoadCa(files.CaCertificate) : new X509Certificate2Collection();
        var inner = await TcpTransport.ConnectAsync(host, port, timeout, cancellationToken).ConfigureAwait(false);
        var tls = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, _, errors) =>
            !verifyServer || IsTrusted(certificate, errors, trusted));
        try
        {
            // The handshake uses blocking calls, as the RPC client does afterwards (see BlockingConnect): a socket
            // timeout bounds each read, and cancellation closes the stream.
            await using (cancellationToken.Register(tls.Dispose).ConfigureAwait(false))
            {
                await Task.Run(() => Handshake(tls, inner, host, port, clientCertificate, timeout), CancellationToken.None).ConfigureAwait(false);
            }

            return tls;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is IOException or ObjectDisposedException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var why = ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut or System.Net.Sockets.SocketError.WouldBlock }
                ? $"no answer within {timeout.TotalSeconds:0.#} s"
                : ex.Message;
            throw new ConnectionException($"TLS with {host}:{port} failed: {why}", ex, lost: false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The TLS handshake, then the daemon's one-byte acceptance, each read bounded by the timeout.</summary>
    private static void Handshake(SslStream tls, Stream inner, string host, int port, X509Certificate2 clientCertificate, TimeSpan timeout)
    {
        inner.ReadTimeout = inner.WriteTimeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificates = new X509CertificateCollection { clientCertificate },
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });

        var answer = new byte[1];
        var read = tls.Read(answer);
        if (read != 1 || answer[0] != 1)
        {
            throw new ConnectionException(
                $"The daemon at {host}:{port} refused the TLS client (answer {(read == 1 ? answer[0].ToString() : "none")}); check tls_allowed_dn_list",
                lost: false);
        }

        inner.ReadTimeout = inner.WriteTimeout = Timeout.Infinite;
    }

    /// <summary>
    /// Accepts the server when its name matches and its chain ends at one of libvirt's CA certificates (the system
    /// trust store plays no part, as in libvirt).
    /// </summary>
    internal static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var server = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    private static X509Certificate2 LoadClientCertificate(TlsFiles files)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(files.ClientCertificate, files.ClientKey);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConnectionException(
                $"Cannot load the TLS client certificate '{files.ClientCertificate}' with key '{files.ClientKey}': {ex.Message}", ex, lost: false);
        }
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(path);
            return collection.Count > 0
                ? collection
                : throw new ConnectionException($"The CA file '{path}' holds no certificate", lost: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConnectionException($"Cannot load the CA certificate '{path}': {ex.Message}", ex, lost: false);
        }
    }
}
