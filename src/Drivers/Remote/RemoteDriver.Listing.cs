using System.Runtime.CompilerServices;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Drivers.Remote;

/// <summary>Listing: a few list calls, then one call per domain in batches driven from the reader thread.</summary>
public sealed partial class RemoteDriver
{
    /// <summary>Domains whose per-domain calls one batch makes.</summary>
    public const int ListChunk = 256;

    /// <summary>
    /// Batches queued at once: the next one runs while the caller takes the first. Two, so that only one batch ever
    /// waits for slots, and the first hands its slots over as it runs out of calls.
    /// </summary>
    public const int ListChunksAhead = 2;

    /// <summary>
    /// Three CONNECT_LIST_ALL_DOMAINS calls at once (all domains, the transient ones, the autostarted ones: the daemon
    /// filters, so no per-domain call is needed for those two facts), then each domain's DOMAIN_GET_INFO in batches of
    /// <see cref="ListChunk"/> (see <see cref="RpcClient.CallManyAsync"/>) for the domains <paramref name="include"/>
    /// accepts, yielded in list order.
    /// </summary>
    public async IAsyncEnumerable<DomainInfo> ListDomainsAsync(Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var all = ListAsync(0, cancellationToken);
        var transient = UuidsAsync(ListTransient, cancellationToken);
        var autostart = UuidsAsync(ListAutostart, cancellationToken);
        await Task.WhenAll(all, transient, autostart).ConfigureAwait(false);
        var transientSet = await transient.ConfigureAwait(false);
        var autostartSet = await autostart.ConfigureAwait(false);
        var domains = await all.ConfigureAwait(false);
        var selected = include is null ? domains : domains.Where(d => include(d.Name)).ToList();
        await foreach (var (handle, info) in PerDomainAsync(selected, RemoteProcedures.DomainGetInfo, h => h, static i => i, cancellationToken)
            .ConfigureAwait(false))
        {
            if (info is not null)
            {
                yield return ToDomainInfo(handle, info, !transientSet.Contains(handle.Uuid), autostartSet.Contains(handle.Uuid));
            }
        }
    }

    /// <summary>
    /// One call of <paramref name="procedure"/> per domain, in batches of <see cref="ListChunk"/> with
    /// <see cref="ListChunksAhead"/> queued; each reply goes through <paramref name="onReader"/> on the reader thread
    /// (quick work such as parsing, while the reply is still in cache). Yields every domain in order with its result,
    /// null for a domain that is gone (undefined since it was listed); any other error fails the enumeration.
    /// </summary>
    private async IAsyncEnumerable<(DomainHandle Domain, T? Result)> PerDomainAsync<TArgs, TRet, T>(IReadOnlyList<DomainHandle> domains,
        Procedure<TArgs, TRet> procedure, Func<DomainHandle, TArgs> args, Func<TRet, T> onReader,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRet : class
        where T : class
    {
        var batches = new Queue<Task<T?[]>>();
        var next = 0;
        try
        {
            for (var start = 0; start < domains.Count; start += ListChunk)
            {
                while (next < domains.Count && batches.Count < ListChunksAhead)
                {
                    batches.Enqueue(BatchAsync(domains, next, procedure, args, onReader, cancellationToken));
                    next += ListChunk;
                }

                var results = await batches.Dequeue().ConfigureAwait(false);
                for (var i = 0; i < results.Length; i++)
                {
                    yield return (domains[start + i], results[i]);
                }
            }
        }
        finally
        {
            // Abandoned enumeration: observe the batches still running so their failures are not left unobserved.
            while (batches.TryDequeue(out var pending))
            {
                Observe(pending);
            }
        }
    }

    private async Task<T?[]> BatchAsync<TArgs, TRet, T>(IReadOnlyList<DomainHandle> domains, int start, Procedure<TArgs, TRet> procedure,
        Func<DomainHandle, TArgs> args, Func<TRet, T> onReader, CancellationToken cancellationToken)
        where TRet : class
        where T : class
    {
        var count = Math.Min(ListChunk, domains.Count - start);
        var batchArgs = new TArgs[count];
        for (var i = 0; i < count; i++)
        {
            batchArgs[i] = args(domains[start + i]);
        }

        var results = new T?[count];
        await _client.CallManyAsync(procedure, batchArgs, (i, reply, error) => results[i] = Present(reply, error) is { } present ? onReader(present) : null,
            _client.Options.MaxCallsInFlight, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>A reply, or null when the daemon says the domain is gone (undefined since it was listed).</summary>
    private static T? Present<T>(T? reply, LibVirtException? error)
        where T : class =>
        error is null ? reply : error.Code == ErrorCode.NoDomain ? null : throw error;

    private static void Observe(Task task) => _ = task.ContinueWith(static t => t.Exception, TaskScheduler.Default);
}
