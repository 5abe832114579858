using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

/// <summary>
/// Feeds thousands of random and mutated packets to a client with a call pending. Every run must end with the call
/// answered or failed with a libvirt error - never another exception, a hang, or a large allocation.
/// </summary>
[Collection(nameof(AllocationSensitive))]
public class RpcFuzzTests
{
    private const int Iterations = 3000;
    private const long AllocationBudgetPerRun = 2 * 1024 * 1024;

    [Fact]
    public async Task RandomAndMutatedPacketsNeverCrashHangOrBalloon()
    {
        var random = new Random(20260);
        var seeds = SeedPackets();
        var outcomes = new Dictionary<string, int>();
        var started = DateTime.UtcNow;
        long worstAllocation = 0;
        var slow = new List<string>();

        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            var before = GC.GetTotalAllocatedBytes();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var outcome = await RunOnce(input).WaitAsync(TimeSpan.FromSeconds(10));
            if (watch.ElapsedMilliseconds > 2000)
            {
                slow.Add($"{outcome} {watch.ElapsedMilliseconds} ms: {Convert.ToHexString(input)}");
            }

            worstAllocation = Math.Max(worstAllocation, GC.GetTotalAllocatedBytes() - before);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(slow.Count == 0, "slow runs: " + string.Join("; ", slow.Take(5)));
        Assert.True(worstAllocation < AllocationBudgetPerRun, $"one run allocated {worstAllocation} bytes");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60));
        Assert.True(outcomes.Count > 1, "mutations should produce more than one outcome: " + string.Join(", ", outcomes));
    }

    private static async Task<string> RunOnce(byte[] input)
    {
        var (clientStream, server) = DuplexPipe.Create();
        var client = new RpcClient(clientStream, new RpcClientOptions { CallTimeout = TimeSpan.FromSeconds(30) });
        try
        {
            var call = client.CallAsync(RemoteProcedures.ConnectGetType, CancellationToken.None);
            await server.WriteAsync(input);
            server.Dispose();
            try
            {
                await call;
                return "answered";
            }
            catch (ConnectionException)
            {
                return "connection";
            }
            catch (LibVirtException ex)
            {
                return ex.GetType().Name;
            }
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    private static byte[][] SeedPackets()
    {
        RpcHeader Reply(PacketStatus status) =>
            new(RpcPrograms.Remote, 1, (int)RemoteProcedure.ConnectGetType, PacketType.Reply, 0, status);
        var error = new LibVirtPS.Drivers.Remote.Xdr.XdrWriter();
        MockDaemon.Error(ErrorCode.InternalError, ErrorDomain.Remote, "boom").Write(error);
        var ping = new RpcHeader(RpcPrograms.Keepalive, 1, RpcPrograms.KeepalivePing, PacketType.Message, 0, PacketStatus.Ok);
        var ev = new RpcHeader(RpcPrograms.Remote, 1, 318, PacketType.Message, 1, PacketStatus.Ok);
        return
        [
            PacketCodec.Encode(Reply(PacketStatus.Ok), Codecs.String.Encode("TEST")),
            PacketCodec.Encode(Reply(PacketStatus.Error), error.ToArray()),
            PacketCodec.Encode(ping, default),
            PacketCodec.Encode(ev, LifecycleEvent.Codec.Encode(new LifecycleEvent(0, new DomainHandle("d", Guid.Empty, 1), 3, 0))),
            [],
        ];
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = seed.ToList();
        switch (random.Next(6))
        {
            case 0:
                // Pure noise.
                var noise = new byte[random.Next(0, 128)];
                random.NextBytes(noise);
                return noise;
            case 1:
                // A few flipped bytes anywhere, the length word included.
                for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
                {
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                }

                break;
            case 2:
                // Truncated.
                bytes = bytes.Take(random.Next(0, bytes.Count + 1)).ToList();
                break;
            case 3:
                // A huge or tiny length word in front of the real body.
                if (bytes.Count >= 4)
                {
                    var length = random.Next(2) == 0 ? (uint)random.Next() : (uint)random.Next(0, 40);
                    bytes[0] = (byte)(length >> 24);
                    bytes[1] = (byte)(length >> 16);
                    bytes[2] = (byte)(length >> 8);
                    bytes[3] = (byte)length;
                }

                break;
            case 4:
                // Corrupted string or array lengths inside the payload.
                if (bytes.Count > 32)
                {
                    var at = 28 + 4 * random.Next((bytes.Count - 28) / 4);
                    bytes[at] = (byte)random.Next(256);
                }

                break;
            default:
                // Two packets back to back, the second mutated.
                bytes.AddRange(Mutate(random, seed));
                break;
        }

        return bytes.ToArray();
    }
}
