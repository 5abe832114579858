using System.Runtime.CompilerServices;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Remote;

/// <summary>The bulk inventory: every domain's facts and XML in one call per domain plus four.</summary>
public sealed partial class RemoteDriver : IDomainInventory
{
    /// <summary>
    /// Four calls at once: CONNECT_LIST_ALL_DOMAINS for all domains, for the transient and for the autostarted ones,
    /// and one CONNECT_GET_ALL_DOMAIN_STATS for the states of the running ones (an inactive domain is shut off). As
    /// soon as the full list is in, the selected domains' XML is fetched in batches (see <see cref="PerDomainAsync"/>),
    /// each reply parsed on the reader thread, while the other three answers arrive.
    /// Id, persistence and autostart come from the lists; memory, maximum memory and vCPUs from the XML (so, with
    /// <see cref="DomainXmlFlags.Inactive"/>, as the persistent definition states them). A daemon without the stats
    /// call, or a running domain missing from its answer, costs one DOMAIN_GET_STATE per such domain instead (in a
    /// batch); XML that the engine's parser rejects costs one DOMAIN_GET_INFO for that domain.
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
        var states = StatesAsync(selected, facts, cancellationToken);
        var xml = PerDomainAsync(selected, RemoteProcedures.DomainGetXmlDesc, d => new DomainFlagsArgs(d, (uint)flags),
            static text => new FetchedXml(text, DomainInventoryItem.TryParse(text)), cancellationToken);
        try
        {
            await foreach (var (handle, fetched) in xml.ConfigureAwait(false))
            {
                if (fetched is not null && (await states.ConfigureAwait(false)).TryGetValue(handle.Uuid, out var state)
                    && await ToItemAsync(handle, fetched, state, await facts.ConfigureAwait(false), cancellationToken).ConfigureAwait(false) is { } item)
                {
                    yield return item;
                }
            }

            // Nothing selected: the facts are still awaited, so that their failure is reported, not lost.
            await states.ConfigureAwait(false);
        }
        finally
        {
            // Abandoned enumeration: their failures are not left unobserved.
            Observe(states);
            Observe(facts);
        }
    }

    /// <summary>A domain's XML as fetched, and parsed (null when the engine's parser rejects it).</summary>
    private sealed record FetchedXml(string Xml, DomainDefinition? Definition);

    /// <summary>
    /// The state of every selected domain by UUID: shut off when listed inactive, else from the stats, else asked
    /// with DOMAIN_GET_STATE (in one batch); a domain gone meanwhile is left out.
    /// </summary>
    private async Task<Dictionary<Guid, int>> StatesAsync(IReadOnlyList<DomainHandle> selected, Task<ListFacts> factsTask, CancellationToken cancellationToken)
    {
        var facts = await factsTask.ConfigureAwait(false);
        var states = new Dictionary<Guid, int>(selected.Count);
        var unknown = new List<DomainHandle>();
        foreach (var domain in selected)
        {
            if (domain.Id < 0)
            {
                states[domain.Uuid] = (int)DomainState.ShutOff;
            }
            else if (facts.ActiveStates is not null && facts.ActiveStates.TryGetValue(domain.Uuid, out var state))
            {
                states[domain.Uuid] = state;
            }
            else
            {
                unknown.Add(domain);
            }
        }

        await foreach (var (domain, reply) in PerDomainAsync(unknown, RemoteProcedures.DomainGetState, d => new DomainFlagsArgs(d, 0), static r => r,
            cancellationToken).ConfigureAwait(false))
        {
            if (reply is not null)
            {
                states[domain.Uuid] = reply.State;
            }
        }

        return states;
    }

    /// <summary>The item of one domain, its facts from the parsed XML (or from DOMAIN_GET_INFO when it does not parse).</summary>
    private async Task<DomainInventoryItem?> ToItemAsync(DomainHandle handle, FetchedXml fetched, int state, ListFacts facts, CancellationToken cancellationToken)
    {
        var persistent = !facts.Transient.Contains(handle.Uuid);
        var autostart = facts.Autostart.Contains(handle.Uuid);
        if (fetched.Definition is not { } definition)
        {
            // The facts cannot come from XML the parser rejects: ask for them; the caller reports the XML itself.
            return await IfPresentAsync(() => _client.CallAsync(RemoteProcedures.DomainGetInfo, handle, cancellationToken)).ConfigureAwait(false) is { } info
                ? new DomainInventoryItem(ToDomainInfo(handle, info, persistent, autostart), fetched.Xml, null)
                : null;
        }

        var domain = new DomainInfo(handle.Name, handle.Uuid, handle.Id < 0 ? null : handle.Id, (DomainState)state,
            definition.MemoryBytes, definition.MaxMemoryBytes, DomainInventoryItem.CurrentVirtualCpus(definition), persistent, autostart);
        return new DomainInventoryItem(domain, fetched.Xml, definition);
    }

    /// <summary>
    /// The facts the other three calls give: the transient and the autostarted UUIDs (both usually short lists, where
    /// the persistent one would name nearly every domain), and the states of the running domains by UUID (null when
    /// the daemon lacks the stats call).
    /// </summary>
    private sealed record ListFacts(HashSet<Guid> Transient, HashSet<Guid> Autostart, Dictionary<Guid, int>? ActiveStates);

    private async Task<ListFacts> ListFactsAsync(CancellationToken cancellationToken)
    {
        var transient = UuidsAsync(ListTransient, cancellationToken);
        var autostart = UuidsAsync(ListAutostart, cancellationToken);
        var states = ActiveStatesIfSupportedAsync(cancellationToken);
        await Task.WhenAll(transient, autostart, states).ConfigureAwait(false);
        return new ListFacts(await transient.ConfigureAwait(false), await autostart.ConfigureAwait(false), await states.ConfigureAwait(false));
    }

    /// <summary>Every running domain's state by UUID from one stats call, or null when the daemon lacks the call.</summary>
    private async Task<Dictionary<Guid, int>?> ActiveStatesIfSupportedAsync(CancellationToken cancellationToken)
    {
        GetAllDomainStatsReply reply;
        try
        {
            reply = await _client.CallAsync(RemoteProcedures.ConnectGetAllDomainStats,
                new GetAllDomainStatsArgs([], (uint)DomainStatsGroups.State, StatsActiveOnly), cancellationToken).ConfigureAwait(false);
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
