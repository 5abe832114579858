using System.Collections.Concurrent;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class RpcClientTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static DomainHandle Handle(string name) => new(name, Guid.NewGuid(), -1);

    [Fact]
    public async Task ManyCallsInFlightCompleteOutOfOrder()
    {
        var (daemon, client) = MockDaemon.Start(new RpcClientOptions { MaxCallsInFlight = 64 });
        await using var _ = daemon;
        await using var __ = client;
        const int count = 40;
        daemon.On(RemoteProcedures.DomainLookupByName, async (name, call) =>
        {
            // Later calls answer sooner, so replies overtake each other.
            await Task.Delay((count - int.Parse(name[1..])) * 5);
            return Handle(name);
        });

        var completed = new ConcurrentQueue<int>();
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            var handle = await client.CallAsync(RemoteProcedures.DomainLookupByName, $"d{i}", CancellationToken.None);
            completed.Enqueue(i);
            return handle;
        }).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Bounded);

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"d{i}"), results.Select(r => r.Name));
        Assert.NotEqual(Enumerable.Range(0, count), completed.ToArray());
        var serials = daemon.Received.Select(h => h.Serial).ToArray();
        Assert.Equal(serials.Length, serials.Distinct().Count());
    }

    [Fact]
    public async Task CallsBeyondTheInFlightCapWaitTheirTurn()
    {
        var (daemon, client) = MockDaemon.Start(new RpcClientOptions { MaxCallsInFlight = 2 });
        await using var _ = daemon;
        await using var __ = client;
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        daemon.On(RemoteProcedures.ConnectGetHostname, (_, _) => gate.Task);

        var calls = Enumerable.Range(0, 5).Select(_ => client.CallAsync(RemoteProcedures.ConnectGetHostname, CancellationToken.None)).ToArray();
        await WaitUntil(() => daemon.Received.Count == 2);
        await Task.Delay(100);
        Assert.Equal(2, daemon.Received.Count);

        gate.SetResult("h");
        Assert.All(await Task.WhenAll(calls).WaitAsync(Bounded), r => Assert.Equal("h", r));
        Assert.Equal(5, daemon.Received.Count);
    }

    [Fact]
    public async Task EventsBeforeTheReplyGoToTheDispatcherNotToTheCall()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var domain = Handle("test");
        daemon.On(RemoteProcedures.ConnectGetType, _ => "TEST");
        daemon.On(RemoteProcedures.DomainSuspend, async (dom, call) =>
        {
            await call.SendEventAsync(RemoteProcedure.DomainEventCallbackLifecycle, LifecycleEvent.Codec, new LifecycleEvent(0, dom, 3, 0));
            return default(XdrVoid);
        });

        var order = new ConcurrentQueue<string>();
        var received = new TaskCompletionSource<LifecycleEvent>();
        using var subscription = client.Events.Subscribe(RpcPrograms.Remote, (int)RemoteProcedure.DomainEventCallbackLifecycle, packet =>
        {
            order.Enqueue("event");
            received.TrySetResult(LifecycleEvent.Codec.Decode(packet.Payload));
        });

        // Serial 0 first, so SUSPEND is serial 1: the same serial the event carries.
        await client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None);
        await client.CallAsync(RemoteProcedures.DomainSuspend, domain, CancellationToken.None).WaitAsync(Bounded);
        order.Enqueue("reply");

        Assert.Equal(new[] { "event", "reply" }, order.ToArray());
        var ev = await received.Task.WaitAsync(Bounded);
        Assert.Equal(3, ev.Event);
        Assert.Equal(domain.Uuid, ev.Domain.Uuid);
        Assert.Contains(daemon.Received, h => h.Serial == 1 && h.Procedure == (int)RemoteProcedure.DomainSuspend);
    }

    [Fact]
    public async Task UnsubscribedEventsAreCountedAndDropped()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.ConnectGetType, _ => "TEST");
        await daemon.SendEventAsync(RemoteProcedure.DomainEventCallbackLifecycle, LifecycleEvent.Codec, new LifecycleEvent(0, Handle("x"), 4, 0));
        Assert.Equal("TEST", await client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None).WaitAsync(Bounded));
        Assert.Equal(1, client.Events.UnhandledCount);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task RemoteErrorsKeepEveryField()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.DomainLookupByName, (Func<string, DomainHandle>)(name =>
            throw new MockErrorException(new RemoteError(42, 12, "Domain not found", 2, "s1", "s2", "s3", 7, 8))));

        var ex = await Assert.ThrowsAsync<LibVirtException>(() => client.CallAsync(RemoteProcedures.DomainLookupByName, "nope", CancellationToken.None));
        Assert.Equal(ErrorCode.NoDomain, ex.Code);
        Assert.Equal(ErrorDomain.Test, ex.Domain);
        Assert.Equal(ErrorLevel.Error, ex.Level);
        Assert.Equal(("Domain not found", "s1", "s2", "s3", 7, 8), (ex.Message, ex.Str1, ex.Str2, ex.Str3, ex.Int1, ex.Int2));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task UnknownProceduresAnswerNoSupport()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var ex = await Assert.ThrowsAsync<LibVirtException>(() => client.CallAsync(RemoteProcedures.ConnectGetHostname, CancellationToken.None));
        Assert.Equal(ErrorCode.NoSupport, ex.Code);
        Assert.Contains("unknown procedure: 59", ex.Message);
    }

    [Fact]
    public async Task DaemonPingIsAnsweredWithPong()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        await daemon.SendPingAsync();
        await daemon.SendPingAsync();
        await WaitUntil(() => daemon.PongsReceived == 2);
        var pong = daemon.Received.First(h => h.Program == RpcPrograms.Keepalive);
        Assert.Equal(new RpcHeader(RpcPrograms.Keepalive, 1, RpcPrograms.KeepalivePong, PacketType.Message, 0, PacketStatus.Ok), pong);
    }

    [Fact]
    public async Task KeepaliveKeepsAnAnsweringPeerAndDeclaresASilentOneDead()
    {
        var options = new RpcClientOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(50), KeepaliveCount = 3 };
        var (daemon, client) = MockDaemon.Start(options);
        await using var _ = daemon;
        await using var __ = client;
        daemon.On(RemoteProcedures.ConnectGetType, _ => "TEST");
        client.StartKeepalive();

        // Several intervals pass; each idle interval brings a ping that the daemon answers, so the client stays up.
        await WaitUntil(() => daemon.PingsReceived >= 4);
        Assert.True(client.IsConnected);

        var never = new TaskCompletionSource<string>();
        daemon.On(RemoteProcedures.ConnectGetHostname, (_, _) => never.Task);
        var pending = client.CallAsync(RemoteProcedures.ConnectGetHostname, CancellationToken.None);
        daemon.GoSilent();
        var reason = await client.Closed.WaitAsync(Bounded);
        Assert.Contains("keepalive", reason.Message);
        await Assert.ThrowsAsync<ConnectionException>(() => pending);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task CallTimeoutFailsOnlyThatCall()
    {
        var (daemon, client) = MockDaemon.Start(new RpcClientOptions { CallTimeout = TimeSpan.FromMilliseconds(1500) });
        await using var _ = daemon;
        await using var __ = client;
        var never = new TaskCompletionSource<string>();
        daemon.On(RemoteProcedures.ConnectGetHostname, (_, _) => never.Task);
        daemon.On(RemoteProcedures.ConnectGetType, _ => "TEST");

        var ex = await Assert.ThrowsAsync<ConnectionException>(() => client.CallAsync(RemoteProcedures.ConnectGetHostname, CancellationToken.None)).WaitAsync(Bounded);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.False(ex.Lost);
        Assert.Equal("TEST", await client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None));
    }

    [Fact]
    public async Task CancelledCallsLateReplyIsDropped()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var release = new TaskCompletionSource<string>();
        daemon.On(RemoteProcedures.ConnectGetHostname, (_, _) => release.Task);
        daemon.On(RemoteProcedures.ConnectGetType, _ => "TEST");

        using var cts = new CancellationTokenSource();
        var call = client.CallAsync(RemoteProcedures.ConnectGetHostname, cts.Token);
        await WaitUntil(() => daemon.Received.Count == 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call).WaitAsync(Bounded);

        release.SetResult("late");
        Assert.Equal("TEST", await client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None).WaitAsync(Bounded));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task LostConnectionFailsPendingAndLaterCalls()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var never = new TaskCompletionSource<string>();
        daemon.On(RemoteProcedures.ConnectGetHostname, (_, _) => never.Task);

        // One more call than the client puts on the wire: the queued one fails the same way.
        var onTheWire = client.Options.MaxCallsInFlight;
        var pending = Enumerable.Range(0, onTheWire + 1).Select(_ => client.CallAsync(RemoteProcedures.ConnectGetHostname, CancellationToken.None)).ToArray();
        await WaitUntil(() => daemon.Received.Count == onTheWire);
        daemon.Drop();

        foreach (var call in pending)
        {
            var ex = await Assert.ThrowsAsync<ConnectionException>(() => call).WaitAsync(Bounded);
            Assert.True(ex.Lost);
        }

        await Assert.ThrowsAsync<ConnectionException>(() => client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None));
        Assert.False(client.IsConnected);
    }

    [Theory]
    [InlineData("7fffffff")]
    [InlineData("00000003")]
    [InlineData("00000064 20008086 00000001")]
    [InlineData("0000001c 20008086 00000001 00000003 00000001 00000000 00000000")]
    [InlineData("0000001c 20008086 00000001 00000001 00000000 00000000 00000000")]
    [InlineData("0000001c 20008086 00000001 00000001 00000001 00000000 00000002")]
    [InlineData("47415242 41474520 47415242 41474520 47415242 41474520 47415242")]
    public async Task HostilePacketsCloseTheConnectionCleanly(string hex)
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var never = new TaskCompletionSource<string>();
        daemon.On(RemoteProcedures.ConnectOpen, (_, _) => never.Task.ContinueWith(_ => default(XdrVoid)));

        // Serial 0 is pending on CONNECT_OPEN (procedure 1) when the bad bytes arrive.
        var pending = client.CallAsync(RemoteProcedures.ConnectOpen, new ConnectOpenArgs("test:///default", 0), CancellationToken.None);
        await WaitUntil(() => daemon.Received.Count == 1);
        await daemon.SendRawAsync(GoldenPacketTests.Hex(hex));
        if (hex.StartsWith("00000064", StringComparison.Ordinal))
        {
            daemon.Drop();
        }

        await Assert.ThrowsAsync<ConnectionException>(() => pending).WaitAsync(Bounded);
        var reason = await client.Closed.WaitAsync(Bounded);
        Assert.True(reason.Lost);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bounded;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
