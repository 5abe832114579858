using System.Runtime.CompilerServices;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Drivers.Remote;

/// <summary>
/// The driver for every daemon-served URI: libvirt's remote RPC protocol spoken in managed code over a unix, tcp
/// or tls stream. Domains are addressed by UUID when known (the daemon resolves handles by UUID, so no lookup
/// round trip is needed), else looked up by name.
/// </summary>
public sealed partial class RemoteDriver : IHypervisorDriver
{
    private const uint ConnectReadOnly = 1;

    // CONNECT_LIST_DOMAINS_TRANSIENT and _AUTOSTART; CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE.
    private const uint ListTransient = 8;
    private const uint ListAutostart = 1024;
    private const uint StatsActiveOnly = 1;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private readonly RpcClient _client;

    private RemoteDriver(string uri, RpcClient client, bool keepalive)
    {
        Uri = uri;
        _client = client;
        KeepaliveEnabled = keepalive;
    }

    public string Uri { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>True when the daemon supports keepalive and both sides now ping each other when idle.</summary>
    public bool KeepaliveEnabled { get; }

    /// <summary>The RPC connection, for capabilities built on top of this driver (events, streams).</summary>
    public RpcClient Client => _client;

    public static async Task<RemoteDriver> OpenAsync(LibvirtUri uri, ConnectOptions options, CancellationToken cancellationToken)
    {
        var stream = await RemoteTransport.ConnectAsync(uri, options, cancellationToken).ConfigureAwait(false);
        return await OpenAsync(stream, uri, options, new RpcClientOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs libvirt's open sequence on a connected stream: AUTH_LIST (and polkit), the keepalive feature query (which
    /// also switches the daemon's keepalive on), then CONNECT_OPEN with the URI's remote name.
    /// </summary>
    public static async Task<RemoteDriver> OpenAsync(Stream stream, LibvirtUri uri, ConnectOptions options, RpcClientOptions rpcOptions,
        CancellationToken cancellationToken)
    {
        var client = new RpcClient(stream, rpcOptions);

        // The whole open sequence shares the connect timeout: a daemon that accepts but never answers fails fast.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.ConnectTimeout);
        try
        {
            await RemoteAuthenticator.AuthenticateAsync(client, uri.Original, limit.Token).ConfigureAwait(false);
            var keepalive = await SupportsAsync(client, RemoteFeature.ProgramKeepalive, limit.Token).ConfigureAwait(false);
            var name = NameToSend(uri);
            await client.CallAsync(RemoteProcedures.ConnectOpen, new ConnectOpenArgs(name, options.ReadOnly ? ConnectReadOnly : 0),
                limit.Token).ConfigureAwait(false);
            if (keepalive)
            {
                client.StartKeepalive();
            }

            return new RemoteDriver(uri.Original, client, keepalive);
        }
        catch (ConnectionException ex) when (ex.Lost)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionException($"Cannot open '{uri.Original}': {ex.Message}", ex, lost: false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionException(
                $"Cannot open '{uri.Original}': the daemon did not answer within {options.ConnectTimeout.TotalSeconds:0.#} s", ex, lost: false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The name CONNECT_OPEN carries: "" for remote:// URIs (the daemon picks), else the URI's remote name.</summary>
    public static string NameToSend(LibvirtUri uri) =>
        uri.Driver == "remote" && uri.Parameter("name") is null ? "" : uri.RemoteName;

    public async Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken)
    {
        var hostname = _client.CallAsync(RemoteProcedures.ConnectGetHostname, cancellationToken);
        var type = _client.CallAsync(RemoteProcedures.ConnectGetType, cancellationToken);
        var version = _client.CallAsync(RemoteProcedures.ConnectGetVersion, cancellationToken);
        var libVersion = _client.CallAsync(RemoteProcedures.ConnectGetLibVersion, cancellationToken);
        var node = _client.CallAsync(RemoteProcedures.NodeGetInfo, cancellationToken);
        await Task.WhenAll(hostname, type, version, libVersion, node).ConfigureAwait(false);
        var n = await node.ConfigureAwait(false);
        return new HostInfo(
            await hostname.ConfigureAwait(false),
            await type.ConfigureAwait(false),
            ToVersion(await version.ConfigureAwait(false)),
            ToVersion(await libVersion.ConfigureAwait(false)),
            new NodeInfo(n.Model, checked((long)n.MemoryKiB * 1024), n.Cpus, n.Mhz, n.Nodes, n.Sockets, n.Cores, n.Threads));
    }

    public async Task<DomainInfo> LookupDomainAsync(DomainRef domain, CancellationToken cancellationToken)
    {
        var handle = await LookupAsync(domain, cancellationToken).ConfigureAwait(false);
        return await Targeted(domain, () => DescribeAsync(handle, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<string> GetDomainXmlAsync(DomainRef domain, DomainXmlFlags flags, CancellationToken cancellationToken)
    {
        var handle = await HandleAsync(domain, cancellationToken).ConfigureAwait(false);
        return await Targeted(domain, () => _client.CallAsync(RemoteProcedures.DomainGetXmlDesc, new DomainFlagsArgs(handle, (uint)flags), cancellationToken))
            .ConfigureAwait(false);
    }

    public async Task<DomainInfo> DefineDomainAsync(string xml, CancellationToken cancellationToken)
    {
        DomainHandle handle;
        try
        {
            handle = await _client.CallAsync(RemoteProcedures.DomainDefineXmlFlags, new XmlFlagsArgs(xml, 0), cancellationToken).ConfigureAwait(false);
        }
        catch (LibVirtException ex) when (RemoteAuthenticator.IsUnknownProcedure(ex))
        {
            // Daemons older than 1.2.12 only know the flag-less call.
            handle = await _client.CallAsync(RemoteProcedures.DomainDefineXml, xml, cancellationToken).ConfigureAwait(false);
        }

        return await DescribeAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    public Task UndefineDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainUndefineFlags, new DomainFlagsArgs(h, 0), cancellationToken), cancellationToken);

    public Task StartDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainCreateWithFlags, new DomainFlagsArgs(h, 0), cancellationToken), cancellationToken);

    public Task ShutdownDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainShutdown, h, cancellationToken), cancellationToken);

    public Task DestroyDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainDestroy, h, cancellationToken), cancellationToken);

    public Task RebootDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainReboot, new DomainFlagsArgs(h, 0), cancellationToken), cancellationToken);

    public Task SuspendDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainSuspend, h, cancellationToken), cancellationToken);

    public Task ResumeDomainAsync(DomainRef domain, CancellationToken cancellationToken) =>
        OnDomainAsync(domain, h => _client.CallAsync(RemoteProcedures.DomainResume, h, cancellationToken), cancellationToken);

    /// <summary>Says goodbye with CONNECT_CLOSE when the connection is still up, then closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var limit = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _client.CallAsync(RemoteProcedures.ConnectClose, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LibVirtException or OperationCanceledException)
            {
                // The daemon closes the socket right after its reply, or is already gone: nothing to undo.
            }
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    internal static Version ToVersion(ulong encoded) =>
        new((int)(encoded / 1_000_000), (int)(encoded / 1_000 % 1_000), (int)(encoded % 1_000));

    private static async Task<bool> SupportsAsync(RpcClient client, RemoteFeature feature, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CallAsync(RemoteProcedures.ConnectSupportsFeature, (int)feature, cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (LibVirtException ex) when (RemoteAuthenticator.IsUnknownProcedure(ex))
        {
            return false;
        }
    }

    private async Task OnDomainAsync<T>(DomainRef domain, Func<DomainHandle, Task<T>> call, CancellationToken cancellationToken)
    {
        var handle = await HandleAsync(domain, cancellationToken).ConfigureAwait(false);
        await Targeted(domain, () => call(handle)).ConfigureAwait(false);
    }

    /// <summary>A handle for calls: built from the UUID directly when known, else looked up by name.</summary>
    private ValueTask<DomainHandle> HandleAsync(DomainRef domain, CancellationToken cancellationToken) =>
        domain.Uuid is { } uuid
            ? ValueTask.FromResult(new DomainHandle(domain.Name ?? "", uuid, -1))
            : new ValueTask<DomainHandle>(LookupAsync(domain, cancellationToken));

    private Task<DomainHandle> LookupAsync(DomainRef domain, CancellationToken cancellationToken) =>
        Targeted(domain, () => domain.Uuid is { } uuid
            ? _client.CallAsync(RemoteProcedures.DomainLookupByUuid, uuid, cancellationToken)
            : _client.CallAsync(RemoteProcedures.DomainLookupByName,
                domain.Name ?? throw new ArgumentException("A domain reference needs a name or a UUID", nameof(domain)), cancellationToken));

    /// <summary>The detail calls of one domain, all sent at once.</summary>
    private async Task<DomainInfo> DescribeAsync(DomainHandle handle, CancellationToken cancellationToken)
    {
        var info = _client.CallAsync(RemoteProcedures.DomainGetInfo, handle, cancellationToken);
        var autostart = _client.CallAsync(RemoteProcedures.DomainGetAutostart, handle, cancellationToken);

        // An inactive domain is always persistent (a transient one ceases to exist when it stops).
        var persistent = handle.Id < 0 ? Task.FromResult(1) : _client.CallAsync(RemoteProcedures.DomainIsPersistent, handle, cancellationToken);
        await Task.WhenAll(info, autostart, persistent).ConfigureAwait(false);
        return ToDomainInfo(handle, await info.ConfigureAwait(false), await persistent.ConfigureAwait(false) == 1,
            await autostart.ConfigureAwait(false) == 1);
    }

    private static DomainInfo ToDomainInfo(DomainHandle handle, DomainInfoReply info, bool persistent, bool autostart) =>
        new(handle.Name,
            handle.Uuid,
            handle.Id < 0 ? null : handle.Id,
            (DomainState)info.State,
            checked((long)info.MemoryKiB * 1024),
            checked((long)info.MaxMemoryKiB * 1024),
            info.VirtualCpus,
            persistent,
            autostart);

    private async Task<IReadOnlyList<DomainHandle>> ListAsync(uint flags, CancellationToken cancellationToken) =>
        (await _client.CallAsync(RemoteProcedures.ConnectListAllDomains, new ListAllDomainsArgs(1, flags), cancellationToken).ConfigureAwait(false)).Domains;

    /// <summary>The UUIDs of the domains a filtered list names (transient, autostarted, ...).</summary>
    private async Task<HashSet<Guid>> UuidsAsync(uint flags, CancellationToken cancellationToken) =>
        (await ListAsync(flags, cancellationToken).ConfigureAwait(false)).Select(d => d.Uuid).ToHashSet();

    /// <summary>Names the domain on errors the daemon reports about it.</summary>
    private static async Task<T> Targeted<T>(DomainRef domain, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (LibVirtException ex) when (ex is not ConnectionException && ex.Target is null)
        {
            throw new LibVirtException(ex.Code, ex.Domain, ex.Message, ex)
            {
                Level = ex.Level,
                Str1 = ex.Str1,
                Str2 = ex.Str2,
                Str3 = ex.Str3,
                Int1 = ex.Int1,
                Int2 = ex.Int2,
                Target = domain.ToString(),
            };
        }
    }
}
