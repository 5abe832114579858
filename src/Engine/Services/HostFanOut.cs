using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Engine.Services;

/// <summary>One item from one host, or the error that host failed with.</summary>
public readonly record struct HostResult<T>(VirtHost Host, T? Item, Exception? Error);

/// <summary>
/// Runs the same query on several hosts at once and merges the results as they arrive. A host that fails yields
/// one error result; the other hosts carry on.
/// </summary>
public static class HostFanOut
{
    public static async IAsyncEnumerable<HostResult<T>> RunAsync<T>(
        IReadOnlyList<VirtHost> hosts,
        Func<VirtHost, CancellationToken, IAsyncEnumerable<T>> query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (hosts.Count == 1)
        {
            // One host needs no channel: stream straight through.
            await foreach (var result in RunOneAsync(hosts[0], query, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }

            yield break;
        }

        // Bounded so that a fast host cannot buffer its whole inventory ahead of a slow consumer.
        var channel = Channel.CreateBounded<HostResult<T>>(new BoundedChannelOptions(256) { SingleReader = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producers = hosts.Select(host => Task.Run(async () =>
        {
            await foreach (var result in RunOneAsync(host, query, linked.Token).ConfigureAwait(false))
            {
                await channel.Writer.WriteAsync(result, linked.Token).ConfigureAwait(false);
            }
        }, linked.Token)).ToArray();
        _ = Task.WhenAll(producers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        try
        {
            await foreach (var result in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }
        finally
        {
            linked.Cancel();
        }
    }

    private static async IAsyncEnumerable<HostResult<T>> RunOneAsync<T>(
        VirtHost host, Func<VirtHost, CancellationToken, IAsyncEnumerable<T>> query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = query(host, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                HostResult<T> result;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    result = new HostResult<T>(host, enumerator.Current, null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    result = new HostResult<T>(host, default, ex);
                }

                yield return result;
                if (result.Error is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
