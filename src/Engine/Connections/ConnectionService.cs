using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Connections;

/// <summary>Opens hosts from URIs and applies the default-URI rules.</summary>
public sealed class ConnectionService
{
    public const string EmbeddedDefaultUri = "test:///default";
    public const string DefaultUriVariable = "LIBVIRT_DEFAULT_URI";

    private readonly DriverRegistry _registry;
    private readonly Func<string, string?> _environment;

    public ConnectionService(DriverRegistry registry, Func<string, string?>? environment = null)
    {
        _registry = registry;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>
    /// The URI used when none is given: LIBVIRT_DEFAULT_URI when set, otherwise the embedded test host. (A local
    /// daemon socket that answers comes before the embedded host once the remote driver is registered.)
    /// </summary>
    public string ResolveDefaultUri()
    {
        var fromEnvironment = _environment(DefaultUriVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? EmbeddedDefaultUri : fromEnvironment.Trim();
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
}
