using System.Security;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Engine.Connections;

/// <summary>Which kind of driver serves a URI.</summary>
public enum DriverKind
{
    /// <summary>The in-memory test hypervisor inside this process (test:///...).</summary>
    Embedded,

    /// <summary>A libvirt daemon reached over a transport (unix, tcp, tls, ssh).</summary>
    Remote,
}

/// <summary>Opens a driver of one kind for a parsed URI.</summary>
public interface IDriverFactory
{
    DriverKind Kind { get; }

    Task<IHypervisorDriver> OpenAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken);
}

/// <summary>
/// Options of a connection that are not part of the URI. Secrets are kept as <see cref="SecureString"/> and are never
/// part of the record's text (the record prints only the type name of a secure string).
/// </summary>
public sealed record ConnectOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public bool ReadOnly { get; init; }

    /// <summary>The user to log in as where the URI names none (SSH).</summary>
    public string? UserName { get; init; }

    /// <summary>The password for password or keyboard-interactive authentication (SSH).</summary>
    public SecureString? Password { get; init; }

    /// <summary>A private key to authenticate with (SSH); takes precedence over the URI's keyfile parameter.</summary>
    public string? KeyFilePath { get; init; }

    /// <summary>The passphrase of an encrypted private key (SSH).</summary>
    public SecureString? KeyPassphrase { get; init; }
}

/// <summary>
/// Chooses the driver for a URI by one table, and holds the factories the composition root registered. The Engine
/// knows no driver implementation; the Drivers assembly registers them.
/// </summary>
public sealed class DriverRegistry
{
    private readonly Dictionary<DriverKind, IDriverFactory> _factories = new();

    public DriverRegistry Register(IDriverFactory factory)
    {
        _factories[factory.Kind] = factory;
        return this;
    }

    /// <summary>
    /// libvirt's own rule: a test:/// URI with no transport and no host is served inside the client process; every
    /// other URI goes to a daemon through the remote driver.
    /// </summary>
    public static DriverKind Select(LibvirtUri uri) =>
        uri.Driver == "test" && uri.Transport is null && uri.Host is null ? DriverKind.Embedded : DriverKind.Remote;

    public Task<IHypervisorDriver> OpenAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken)
    {
        if (uri.IsClientSideDriver && uri.Driver != "test")
        {
            // libvirt serves these inside its client library (ESX, Hyper-V, VirtualBox, ...), never via a daemon.
            throw new LibVirtException(ErrorCode.NoSupport, ErrorDomain.Remote,
                $"'{uri.Driver}' hosts are served by libvirt's client-side driver, which LibVirtPS does not provide") { Target = uri.Original };
        }

        var kind = Select(uri);
        if (!_factories.TryGetValue(kind, out var factory))
        {
            throw new LibVirtException(ErrorCode.NoSupport, ErrorDomain.Remote,
                $"No {kind.ToString().ToLowerInvariant()} driver is available to open '{uri.Original}'") { Target = uri.Original };
        }

        return factory.OpenAsync(uri, options, cancellationToken);
    }
}
