using LibVirtPS.Engine.Connections;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// Where the TLS transport finds the CA and the client's certificate and key, by libvirt's rules: pkipath=DIR
/// when given; else, for root, the system PKI folders; else the user's ~/.pki/libvirt, each file falling back to
/// the system one.
/// </summary>
public sealed record TlsFiles(string CaCertificate, string ClientCertificate, string ClientKey)
{
    public const string SystemCa = "/etc/pki/CA/cacert.pem";
    public const string SystemClientCertificate = "/etc/pki/libvirt/clientcert.pem";
    public const string SystemClientKey = "/etc/pki/libvirt/private/clientkey.pem";

    public static TlsFiles Resolve(LibvirtUri uri, bool isRoot, string? home, Func<string, bool> exists)
    {
        if (uri.Parameter("pkipath") is { Length: > 0 } dir)
        {
            return new(Path.Combine(dir, "cacert.pem"), Path.Combine(dir, "clientcert.pem"), Path.Combine(dir, "clientkey.pem"));
        }

        if (isRoot || string.IsNullOrEmpty(home))
        {
            return new(SystemCa, SystemClientCertificate, SystemClientKey);
        }

        var user = Path.Combine(home, ".pki", "libvirt");
        string Pick(string name, string system) => Path.Combine(user, name) is var own && exists(own) ? own : system;
        return new(Pick("cacert.pem", SystemCa), Pick("clientcert.pem", SystemClientCertificate), Pick("clientkey.pem", SystemClientKey));
    }
}
