using System.Runtime.CompilerServices;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Drivers.Remote;

/// <summary>The bulk inventory: every domain's facts and XML in about one call per domain plus four.</summary>
public sealed partial class RemoteDriver : IDomainInventory
{
    /// <summary>Domains whose XML one batch fetches.</summary>
    public const int InventoryChunk = 256;

    /// <summary>
    /// Batches queued at once: the next one is fetched while the caller takes the first. Two, so that only one batch
    /// ever waits for the other's slots and then finds them all free.
    /// </summary>
    public const int InventoryChunksAhead = 2;

    /// <summary>
    /// Four calls at once: the three CONNECT_LIST_ALL_DOMAINS of <see cref="ListDomainsAsync"/> and one
    /// CONNECT_GET_ALL_DOMAIN_STATS for every domain's state. As soon as the full list is in, the selected domains'
    /// XML is fetched in batches of <see cref="InventoryChunk"/> (each reply sends the next call from the reader thread,
    /// see <see cref="RpcClient.CallManyAsync"/>), while the other three answers arrive; at most
    /// <see cref="InventoryChunksAhead"/> batches are held.
    /// Id, persistence and autostart come from the lists; memory, maximum memory and vCPUs from the XML (so, with
    /// <see cref="DomainXmlFlags.Inactive"/>, as the persistent definition states them). A daemon without the stats
    /// call, or a domain missing from its answer, costs one DOMAIN_GET_STATE per domain instead (pipelined the same
    /// way); XML that the engine's parser rejects costs one DOMAIN_GET_INFO for that domain.
    /// </summary>
    public async IAsyncEnumerable<DomainInventoryItem> ListDomainsWithXmlAsync(DomainXmlFlags flags, Func<string, bool>? include,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var all = ListAsync(0, cancellationToken);
        var facts = ListFactsAsync(cancellationToken);
        IReadOnlyList<DomainHandle> domains;
        try
        {
            domains = await all.ConfigureAwait(false);
        }
        catch
        {
            Observe(facts);
            throw;
        }

        var selected = include is null ? domains : domains.Where(d => include(d.Name)).ToList();
        var fetches = new Queue<Task<string?[]>>();
        var nextFetch = 0;
        try
        {
            for (var start = 0; start < selected.Count; start += InventoryChunk)
            {
                while (nextFetch < selected.Count && fetches.Count < InventoryChunksAhead)
                {
                    fetches.Enqueue(FetchXmlAsync(selected, nextFetch, flags, cancellationToken));
                    nextFetch += InventoryChunk;
                }

                var xml = await fetches.Dequeue().ConfigureAwait(false);
                var known = await facts.ConfigureAwait(false);
                var chunk = selected.Skip(start).Take(xml.Length).ToList();
                var states = await StatesOfAsync(chunk, xml, known.States, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < chunk.Count; i++)
                {
                    if (xml[i] is { } text && states[i] is { } state
                        && await ToItemAsync(chunk[i], text, state, known, cancellationToken).ConfigureAwait(false) is { } item)
                    {
                        yield return item;
                    }
                }
            }

            // Nothing selected: the facts are still awaited, so that their failure is reported, not lost.
            await facts.ConfigureAwait(false);
        }
        finally
        {
            // Abandoned enumeration: observe the calls still running so their failures are not left unobserved.
            while (fetches.TryDequeue(out var pending))
            {
                Observe(pending);
            }

            Observe(facts);
        }
    }

    /// <summary>The XML of up to <see cref="InventoryChunk"/> domains from <paramref name="start"/> on; null for one that is gone.</summary>
    private async Task<string?[]> FetchXmlAsync(IReadOnlyList<DomainHandle> domains, int start, DomainXmlFlags flags, CancellationToken cancellationToken)
    {
        var args = new DomainFlagsArgs[Math.Min(InventoryChunk, domains.Count - start)];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = new DomainFlagsArgs(domains[start + i], (uint)flags);
        }

        var xml = new string?[args.Length];
        await _client.CallManyAsync(RemoteProcedures.DomainGetXmlDesc, args, (i, text, error) => xml[i] = Present(text, error), ListWindow,
            cancellationToken).ConfigureAwait(false);
        return xml;
    }

    /// <summary>The state of each domain of a chunk that still has XML: from the stats, else by DOMAIN_GET_STATE.</summary>
    private async Task<int?[]> StatesOfAsync(List<DomainHandle> chunk, string?[] xml, Dictionary<Guid, int>? known, CancellationToken cancellationToken)
    {
        var states = new int?[chunk.Count];
        var missing = new List<int>();
        for (var i = 0; i < chunk.Count; i++)
        {
            if (xml[i] is null)
            {
                continue;
            }

            if (known is not null && known.TryGetValue(chunk[i].Uuid, out var state))
            {
                states[i] = state;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var args = missing.Select(i => new DomainFlagsArgs(chunk[i], 0)).ToList();
            await _client.CallManyAsync(RemoteProcedures.DomainGetState, args, (j, reply, error) => states[missing[j]] = Present(reply, error)?.State,
                ListWindow, cancellationToken).ConfigureAwait(false);
        }

        return states;
    }

    /// <summary>The item of one domain, its facts from the parsed XML (or from DOMAIN_GET_INFO when it does not parse).</summary>
    private async Task<DomainInventoryItem?> ToItemAsync(DomainHandle handle, string xml, int state, ListFacts facts, CancellationToken cancellationToken)
    {
        var persistent = facts.Persistent.Contains(handle.Uuid);
        var autostart = facts.Autostart.Contains(handle.Uuid);
        var definition = DomainInventoryItem.TryParse(xml);
        if (definition is null)
        {
            // The facts cannot come from XML the parser rejects: ask for them; the caller reports the XML itself.
            return await IfPresentAsync(() => _client.CallAsync(RemoteProcedures.DomainGetInfo, handle, cancellationToken)).ConfigureAwait(false) is { } info
                ? new DomainInventoryItem(ToDomainInfo(handle, info, persistent, autostart), xml, null)
                : null;
        }

        var domain = new DomainInfo(handle.Name, handle.Uuid, handle.Id < 0 ? null : handle.Id, (DomainState)state,
            definition.MemoryBytes, definition.MaxMemoryBytes, DomainInventoryItem.CurrentVirtualCpus(definition), persistent, autostart);
        return new DomainInventoryItem(domain, xml, definition);
    }

    /// <summary>A reply, or null when the daemon says the domain is gone (undefined since it was listed).</summary>
    private static T? Present<T>(T? reply, LibVirtException? error)
        where T : class =>
        error is null ? reply : error.Code == ErrorCode.NoDomain ? null : throw error;

    private static void Observe(Task task) => _ = task.ContinueWith(static t => t.Exception, TaskScheduler.Default);

    /// <summary>The facts the other three calls give: persistent and autostarted UUIDs, and states by UUID.</summary>
    private sealed record ListFacts(HashSet<Guid> Persistent, HashSet<Guid> Autostart, Dictionary<Guid, int>? States);

    private async Task<ListFacts> ListFactsAsync(CancellationToken cancellationToken)
    {
        var persistent = ListAsync(ListPersistent, cancellationToken);
        var autostart = ListAsync(ListAutostart, cancellationToken);
        var states = StatesIfSupportedAsync(cancellationToken);
        await Task.WhenAll(persistent, autostart, states).ConfigureAwait(false);
        return new ListFacts(
            (await persistent.ConfigureAwait(false)).Select(d => d.Uuid).ToHashSet(),
            (await autostart.ConfigureAwait(false)).Select(d => d.Uuid).ToHashSet(),
            await states.ConfigureAwait(false));
    }

    /// <summary>Every domain's state by UUID from one stats call, or null when the daemon lacks the call.</summary>
    private async Task<Dictionary<Guid, int>?> StatesIfSupportedAsync(CancellationToken cancellationToken)
    {
        GetAllDomainStatsReply reply;
        try
        {
            reply = await _client.CallAsync(RemoteProcedures.ConnectGetAllDomainStats,
                new GetAllDomainStatsArgs([], (uint)DomainStatsGroups.State, 0), cancellationToken).ConfigureAwait(false);
        }
        catch (LibVirtException ex) when (RemoteAuthenticator.IsUnknownProcedure(ex))
        {
            return null;
        }

        var states = new Dictionary<Guid, int>(reply.Records.Count);
        foreach (var record in reply.Records)
        {
            if (record.Int64("state.state") is { } state)
            {
                states[record.Domain.Uuid] = (int)state;
            }
        }

        return states;
    }

    /// <summary>A domain listed a moment ago may be gone by the time it is asked about: null then.</summary>
    private static async Task<T?> IfPresentAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (LibVirtException ex) when (ex.Code == ErrorCode.NoDomain && ex is not ConnectionException)
        {
            return null;
        }
    }
}
