using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>RpcClient.CallManyAsync: many calls of one procedure driven from the reader thread.</summary>
public class RpcBatchTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(i => $"d{i}").ToArray();

    [Fact]
    public async Task EveryReplyReachesItsIndexWithAtMostTheCapOnTheWire()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var inFlight = 0;
        var maxInFlight = 0;
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            lock (daemon)
            {
                maxInFlight = Math.Max(maxInFlight, now);
            }

            await Task.Delay(int.Parse(name[1..]) % 4);
            Interlocked.Decrement(ref inFlight);
            return new DomainHandle(name, Guid.NewGuid(), -1);
        });

        var names = Names(300);
        var results = new string?[names.Length];
        await client.CallManyAsync(RemoteProcedures.DomainLookupByName, names, (i, handle, error) => results[i] = error is null ? handle!.Name : null,
            64, CancellationToken.None).WaitAsync(Bounded);

        Assert.Equal(names, results);
        Assert.InRange(maxInFlight, 2, new RpcClientOptions().MaxCallsInFlight);
        Assert.Equal(names.Length, daemon.Received.Select(h => h.Serial).Distinct().Count());

        // The connection is still good for single calls afterwards.
        Assert.Equal("d999", (await client.CallAsync(RemoteProcedures.DomainLookupByName, "d999", CancellationToken.None).WaitAsync(Bounded)).Name);
    }

    [Fact]
    public async Task ConcurrentBatchesShareTheSlotsWithoutWaitingOnEachOther()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, _) =>
        {
            await Task.Delay(1);
            return new DomainHandle(name, Guid.NewGuid(), -1);
        });

        var counts = new int[4];
        var batches = Enumerable.Range(0, counts.Length).Select(b => client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(50),
            (_, _, _) => Interlocked.Increment(ref counts[b]), 5, CancellationToken.None));
        await Task.WhenAll(batches).WaitAsync(Bounded);

        Assert.All(counts, c => Assert.Equal(50, c));
    }

    [Fact]
    public async Task ABatchStartedWhileOtherCallsHoldSlotsTakesThemOnceTheyAreFree()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = 0;
        var maxInFlight = 0;
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, _) =>
        {
            if (name.StartsWith("slow", StringComparison.Ordinal))
            {
                await release.Task;
                return new DomainHandle(name, Guid.NewGuid(), -1);
            }

            var now = Interlocked.Increment(ref inFlight);
            lock (daemon)
            {
                maxInFlight = Math.Max(maxInFlight, now);
            }

            await Task.Delay(1);
            Interlocked.Decrement(ref inFlight);
            return new DomainHandle(name, Guid.NewGuid(), -1);
        });

        // All slots but one are busy when the batch starts: it begins with one call on the wire.
        var slow = Enumerable.Range(0, new RpcClientOptions().MaxCallsInFlight - 1).Select(i => client.CallAsync(RemoteProcedures.DomainLookupByName, $"slow{i}", CancellationToken.None)).ToList();
        var received = 0;
        var batch = client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(200), (_, _, _) =>
        {
            if (Interlocked.Increment(ref received) == 20)
            {
                release.TrySetResult();
            }
        }, 5, CancellationToken.None);

        await Task.WhenAll(slow).WaitAsync(Bounded);
        await batch.WaitAsync(Bounded);

        Assert.Equal(200, received);
        Assert.InRange(maxInFlight, 2, new RpcClientOptions().MaxCallsInFlight);
    }

    [Fact]
    public async Task ABatchHandsBackItsSlotsAsItRunsOutOfCalls()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var lastReply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, _) =>
        {
            if (name == "d9")
            {
                await lastReply.Task;
            }

            return new DomainHandle(name, Guid.NewGuid(), -1);
        });

        // The batch's last call is held back by the daemon: a single call still gets a slot before it is answered.
        var batch = client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(10), (_, _, _) => { }, 5, CancellationToken.None);
        var single = await client.CallAsync(RemoteProcedures.DomainLookupByName, "other", CancellationToken.None).WaitAsync(Bounded);
        Assert.Equal("other", single.Name);
        Assert.False(batch.IsCompleted);

        lastReply.SetResult();
        await batch.WaitAsync(Bounded);
    }

    [Fact]
    public async Task ErrorRepliesArriveWithTheirIndex()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.DomainLookupByName, name => name == "d3"
            ? throw new MockErrorException(MockDaemon.Error(ErrorCode.NoDomain, ErrorDomain.Qemu, "Domain not found"))
            : new DomainHandle(name, Guid.NewGuid(), -1));

        var errors = new ErrorCode?[6];
        await client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(6), (i, _, error) => errors[i] = error?.Code, 8, CancellationToken.None)
            .WaitAsync(Bounded);

        Assert.Equal(new ErrorCode?[] { null, null, null, ErrorCode.NoDomain, null, null }, errors);
    }

    [Fact]
    public async Task AHandlerThatThrowsFailsTheBatchAndSendsNoMore()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.DomainLookupByName, name => new DomainHandle(name, Guid.NewGuid(), -1));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(200),
            (i, _, _) => throw new InvalidOperationException($"stop at {i}"), 4, CancellationToken.None)).WaitAsync(Bounded);

        Assert.StartsWith("stop at", ex.Message);
        Assert.True(daemon.Received.Count < 200);
        Assert.Equal("y", (await client.CallAsync(RemoteProcedures.DomainLookupByName, "y", CancellationToken.None).WaitAsync(Bounded)).Name);
    }

    [Fact]
    public async Task CancellationStopsTheBatch()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, _) =>
        {
            await Task.Delay(20);
            return new DomainHandle(name, Guid.NewGuid(), -1);
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(1000),
            (_, _, _) => { }, 5, cancel.Token)).WaitAsync(Bounded);
        Assert.True(daemon.Received.Count < 1000);
    }

    [Fact]
    public async Task ALostConnectionFailsTheBatch()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var replies = 0;
        daemon.On(RemoteProcedures.DomainLookupByName, (Func<string, DomainHandle>)(name =>
        {
            if (Interlocked.Increment(ref replies) == 10)
            {
                daemon.Drop();
            }

            return new DomainHandle(name, Guid.NewGuid(), -1);
        }));

        await Assert.ThrowsAsync<ConnectionException>(() => client.CallManyAsync(RemoteProcedures.DomainLookupByName, Names(100),
            (_, _, _) => { }, 5, CancellationToken.None)).WaitAsync(Bounded);
    }

    [Fact]
    public async Task NoCallsCompleteAtOnce()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        await client.CallManyAsync(RemoteProcedures.DomainLookupByName, Array.Empty<string>(), (_, _, _) => { }, 5, CancellationToken.None);
        Assert.Empty(daemon.Received);
    }
}
