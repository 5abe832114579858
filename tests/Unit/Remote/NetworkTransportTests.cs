using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>TCP and TLS transports against the mock daemon on loopback sockets, with certificates made here.</summary>
public sealed class NetworkTransportTests : IDisposable
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _pki = Directory.CreateTempSubdirectory("libvirtps-pki-");

    public void Dispose() => _pki.Delete(recursive: true);

    [Fact]
    public async Task TcpUriOpensThroughTheTransportRules()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            var connection = await listener.AcceptTcpClientAsync();
            return Standard(MockDaemon.Serve(connection.GetStream()));
        });

        var uri = LibvirtUri.Parse($"test+tcp://127.0.0.1:{port}/default");
        await using var driver = await RemoteDriver.OpenAsync(uri, new ConnectOptions(), CancellationToken.None).WaitAsync(Bounded);
        await using var daemon = await serving;
        Assert.Equal("TEST", await driver.Client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None));
    }

    [Fact]
    public async Task TcpToAClosedPortIsAConnectionFailure()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = await Assert.ThrowsAsync<ConnectionException>(() =>
            TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.False(ex.Lost);
    }

    [Fact]
    public async Task TlsVerifiesTheServerAgainstLibvirtsCaAndReadsTheAcceptanceByte()
    {
        var (ca, caKey) = NewCa("LibVirtPS test CA");
        var files = WritePki(ca, caKey);
        using var server = Issue(ca, caKey, "localhost", serverAuth: true);

        await using var tls = await ServeTlsAsync(server, accept: 1, (host, port) =>
            TlsTransport.ConnectAsync(host, port, files, verifyServer: true, TimeSpan.FromSeconds(10), CancellationToken.None));
        var client = new RpcClient(tls.Stream);
        await using (client)
        {
            Assert.Equal("TEST", await client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None).WaitAsync(Bounded));
            Assert.Equal("CN=libvirtps-client", tls.ClientSubject);
        }
    }

    [Fact]
    public async Task TlsRefusesAServerFromAnotherCaUnlessNoVerify()
    {
        var (ca, caKey) = NewCa("LibVirtPS test CA");
        var files = WritePki(ca, caKey);
        var (otherCa, otherKey) = NewCa("Someone else");
        using var server = Issue(otherCa, otherKey, "localhost", serverAuth: true);

        var ex = await Assert.ThrowsAsync<ConnectionException>(() => ServeTlsAsync(server, accept: 1, (host, port) =>
            TlsTransport.ConnectAsync(host, port, files, verifyServer: true, TimeSpan.FromSeconds(10), CancellationToken.None)));
        Assert.Contains("TLS", ex.Message);

        await using var unverified = await ServeTlsAsync(server, accept: 1, (host, port) =>
            TlsTransport.ConnectAsync(host, port, files, verifyServer: false, TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.NotNull(unverified.Stream);
    }

    [Fact]
    public async Task TlsRefusesANameMismatch()
    {
        var (ca, caKey) = NewCa("LibVirtPS test CA");
        var files = WritePki(ca, caKey);
        using var server = Issue(ca, caKey, "somewhere-else.example", serverAuth: true);
        await Assert.ThrowsAsync<ConnectionException>(() => ServeTlsAsync(server, accept: 1, (host, port) =>
            TlsTransport.ConnectAsync(host, port, files, verifyServer: true, TimeSpan.FromSeconds(10), CancellationToken.None)));
    }

    [Fact]
    public async Task TlsRejectionByteIsAClearError()
    {
        var (ca, caKey) = NewCa("LibVirtPS test CA");
        var files = WritePki(ca, caKey);
        using var server = Issue(ca, caKey, "localhost", serverAuth: true);
        var ex = await Assert.ThrowsAsync<ConnectionException>(() => ServeTlsAsync(server, accept: 0, (host, port) =>
            TlsTransport.ConnectAsync(host, port, files, verifyServer: true, TimeSpan.FromSeconds(10), CancellationToken.None)));
        Assert.Contains("refused the TLS client", ex.Message);
    }

    [Fact]
    public async Task MissingClientCertificateIsNamed()
    {
        var files = new TlsFiles(Path.Combine(_pki.FullName, "none-ca.pem"), Path.Combine(_pki.FullName, "none-cert.pem"), Path.Combine(_pki.FullName, "none-key.pem"));
        var ex = await Assert.ThrowsAsync<ConnectionException>(() =>
            TlsTransport.ConnectAsync("localhost", 1, files, verifyServer: true, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("none-cert.pem", ex.Message);
    }

    private static MockDaemon Standard(MockDaemon daemon) => daemon
        .On(RemoteProcedures.AuthList, _ => (IReadOnlyList<int>)[0])
        .On(RemoteProcedures.ConnectSupportsFeature, _ => 0)
        .On(RemoteProcedures.ConnectOpen, _ => default(XdrVoid))
        .On(RemoteProcedures.ConnectClose, _ => default(XdrVoid))
        .On(RemoteProcedures.ConnectGetType, _ => "TEST");

    /// <summary>Accepts one TLS client (requiring its certificate), sends the acceptance byte, then serves the mock.</summary>
    private static async Task<TlsSession> ServeTlsAsync(X509Certificate2 serverCertificate, byte accept, Func<string, int, Task<Stream>> connect)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var session = new TlsSession();
        var serving = Task.Run(async () =>
        {
            var tcp = await listener.AcceptTcpClientAsync();
            var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
            {
                session.ClientSubject = certificate?.Subject;
                return certificate is not null;
            });
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = serverCertificate,
                    ClientCertificateRequired = true,
                });
                await ssl.WriteAsync(new[] { accept });
                await ssl.FlushAsync();
                session.Daemon = Standard(MockDaemon.Serve(ssl));
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
                await ssl.DisposeAsync();
            }
        });

        try
        {
            session.Stream = await connect("localhost", port).WaitAsync(Bounded);
            return session;
        }
        finally
        {
            await serving.WaitAsync(Bounded);
        }
    }

    private TlsFiles WritePki(X509Certificate2 ca, RSA caKey)
    {
        using var client = Issue(ca, caKey, "libvirtps-client", serverAuth: false);
        var files = new TlsFiles(Path.Combine(_pki.FullName, "cacert.pem"), Path.Combine(_pki.FullName, "clientcert.pem"), Path.Combine(_pki.FullName, "clientkey.pem"));
        File.WriteAllText(files.CaCertificate, ca.ExportCertificatePem());
        File.WriteAllText(files.ClientCertificate, client.ExportCertificatePem());
        File.WriteAllText(files.ClientKey, client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return files;
    }

    private static (X509Certificate2 Certificate, RSA Key) NewCa(string name)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)), key);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, RSA caKey, string name, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
        }

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // A round trip through PKCS#12 gives a key the TLS server side can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private sealed class TlsSession : IAsyncDisposable
    {
        public Stream Stream { get; set; } = Stream.Null;
        public MockDaemon? Daemon { get; set; }
        public string? ClientSubject { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            if (Daemon is not null)
            {
                await Daemon.DisposeAsync();
            }
        }
    }
}
