using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>
/// A connection to the embedded test hypervisor: test:///default (what libvirt's test driver starts with) or
/// test:///&lt;absolute path to a node file&gt;. Connections to the same path share one in-memory host.
/// </summary>
public sealed class TestDriver : IHypervisorDriver, IDomainInventory
{
    /// <summary>The version the test hypervisor reports, as libvirt's test driver does.</summary>
    public static readonly Version HypervisorVersion = new(0, 0, 2);

    private volatile bool _closed;

    internal TestDriver(string uri, TestHost host)
    {
        Uri = uri;
        Host = host;
    }

    public string Uri { get; }

    public bool IsConnected => !_closed;

    /// <summary>The shared state behind this connection (networks and pools are reached through it).</summary>
    internal TestHost Host { get; }

    public static IHypervisorDriver Open(LibvirtUri uri) => new TestDriver(uri.Original, TestHosts.Open(uri));

    public Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken) =>
        Run(cancellationToken, () => new HostInfo(MachineName(), "TEST", HypervisorVersion, EngineVersion(), Host.Node));

    public async IAsyncEnumerable<DomainInfo> ListDomainsAsync(Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Check(cancellationToken);
        foreach (var domain in Host.ListDomains())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (include is null || include(domain.Name))
            {
                yield return domain;
            }
        }
    }

    /// <summary>Straight from the in-memory state: each listed domain's facts with its XML, parsed once.</summary>
    public async IAsyncEnumerable<DomainInventoryItem> ListDomainsWithXmlAsync(DomainXmlFlags flags, Func<string, bool>? include,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Check(cancellationToken);
        foreach (var info in Host.ListDomains())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (include is not null && !include(info.Name))
            {
                continue;
            }

            string xml;
            try
            {
                xml = Host.GetXml(DomainRef.Of(info), flags);
            }
            catch (Engine.Errors.LibVirtException ex) when (ex.Code == Engine.Errors.ErrorCode.NoDomain)
            {
                // Undefined by another connection since the list was taken.
                continue;
            }

            yield return new DomainInventoryItem(info, xml, DomainInventoryItem.TryParse(xml));
        }
    }

    public Task<DomainInfo> LookupDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Lookup(domain));

    public Task<string> GetDomainXmlAsync(DomainRef domain, DomainXmlFlags flags, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.GetXml(domain, flags));

    /// <summary>The XML is checked by the engine's parser first; an invalid definition changes nothing.</summary>
    public Task<DomainInfo> DefineDomainAsync(string xml, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Define(DomainXml.Parse(xml)));

    public Task UndefineDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Undefine(domain));

    public Task StartDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Start(domain));

    public Task ShutdownDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Shutdown(domain));

    public Task DestroyDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Destroy(domain));

    public Task RebootDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Reboot(domain));

    public Task SuspendDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Suspend(domain));

    public Task ResumeDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Run(cancellationToken, () => Host.Resume(domain));

    /// <summary>Closes this connection only; the host and its domains live on for other connections.</summary>
    public ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }

    public override string ToString() => Uri;

    /// <summary>Runs an in-memory operation; failures come back as a faulted task, as from any async driver.</summary>
    private Task<T> Run<T>(CancellationToken cancellationToken, Func<T> operation)
    {
        try
        {
            Check(cancellationToken);
            return Task.FromResult(operation());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private Task Run(CancellationToken cancellationToken, Action operation) =>
        Run(cancellationToken, () =>
        {
            operation();
            return true;
        });

    private void Check(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_closed)
        {
            throw TestErrors.ConnectionClosed(Uri);
        }
    }

    /// <summary>The embedded hypervisor is part of LibVirtPS, so it reports the engine's version as libvirt's.</summary>
    private static Version EngineVersion() => typeof(DomainXml).Assembly.GetName().Version ?? new Version(0, 0);

    private static string MachineName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (SocketException)
        {
            return Environment.MachineName;
        }
    }
}
