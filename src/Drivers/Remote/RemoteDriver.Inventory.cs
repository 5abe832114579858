using System.Runtime.CompilerServices;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Drivers.Remote;

/// <summary>The bulk inventory: every domain's facts and XML in about one call per domain plus four.</summary>
public sealed partial class RemoteDriver : IDomainInventory
{
    /// <summary>
    /// Four calls at once: the three CONNECT_LIST_ALL_DOMAINS of <see cref="ListDomainsAsync"/> and one
    /// CONNECT_GET_ALL_DOMAIN_STATS for every domain's state. As soon as the full list is in, each selected domain's
    /// XML is asked, pipelined with up to <see cref="ListWindow"/> domains queued, while the other three answers
    /// arrive. Id, persistence and autostart come from the lists; memory, maximum memory and vCPUs from the XML (so,
    /// with <see cref="DomainXmlFlags.Inactive"/>, as the persistent definition states them). A daemon without the
    /// stats call, or a domain missing from its answer, costs one DOMAIN_GET_STATE per domain instead; XML that the
    /// engine's parser rejects costs one DOMAIN_GET_INFO for that domain.
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
        var inFlight = new Queue<Task<DomainInventoryItem?>>();
        var next = 0;
        try
        {
            while (next < selected.Count || inFlight.Count > 0)
            {
                while (next < selected.Count && inFlight.Count < ListWindow)
                {
                    inFlight.Enqueue(DescribeWithXmlAsync(selected[next++], facts, flags, cancellationToken));
                }

                if (await inFlight.Dequeue().ConfigureAwait(false) is { } item)
                {
                    yield return item;
                }
            }

            // Nothing selected: the facts are still awaited, so that their failure is reported, not lost.
            await facts.ConfigureAwait(false);
        }
        finally
        {
            // Abandoned enumeration: observe the calls still running so their failures are not left unobserved.
            while (inFlight.TryDequeue(out var pending))
            {
                Observe(pending);
            }

            Observe(facts);
        }
    }

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

    /// <summary>One domain's XML, parsed, with its facts (its state by its own call if need be); null when it is gone.</summary>
    private async Task<DomainInventoryItem?> DescribeWithXmlAsync(DomainHandle handle, Task<ListFacts> factsTask, DomainXmlFlags flags,
        CancellationToken cancellationToken)
    {
        var xml = await IfPresentAsync(() => _client.CallAsync(RemoteProcedures.DomainGetXmlDesc, new DomainFlagsArgs(handle, (uint)flags), cancellationToken))
            .ConfigureAwait(false);
        if (xml is null)
        {
            return null;
        }

        var definition = DomainInventoryItem.TryParse(xml);
        var facts = await factsTask.ConfigureAwait(false);
        var persistent = facts.Persistent.Contains(handle.Uuid);
        var autostart = facts.Autostart.Contains(handle.Uuid);
        if (definition is null)
        {
            // The facts cannot come from XML the parser rejects: ask for them; the caller reports the XML itself.
            return await IfPresentAsync(() => _client.CallAsync(RemoteProcedures.DomainGetInfo, handle, cancellationToken)).ConfigureAwait(false) is { } info
                ? new DomainInventoryItem(ToDomainInfo(handle, info, persistent, autostart), xml, null)
                : null;
        }

        int state;
        if (facts.States is not null && facts.States.TryGetValue(handle.Uuid, out var known))
        {
            state = known;
        }
        else if (await IfPresentAsync(() => _client.CallAsync(RemoteProcedures.DomainGetState, new DomainFlagsArgs(handle, 0), cancellationToken))
            .ConfigureAwait(false) is { } reply)
        {
            state = reply.State;
        }
        else
        {
            return null;
        }

        var domain = new DomainInfo(handle.Name, handle.Uuid, handle.Id < 0 ? null : handle.Id, (DomainState)state,
            definition.MemoryBytes, definition.MaxMemoryBytes, DomainInventoryItem.CurrentVirtualCpus(definition), persistent, autostart);
        return new DomainInventoryItem(domain, xml, definition);
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
