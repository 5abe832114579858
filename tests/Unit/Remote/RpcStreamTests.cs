using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class RpcStreamTests
{
    // STORAGE_VOL_DOWNLOAD and STORAGE_VOL_UPLOAD: the stream procedures the volume cmdlets will use.
    private const int Download = 209;
    private const int Upload = 208;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static RpcHeader StreamHeader(int procedure, uint serial, PacketStatus status, PacketType type = PacketType.Stream) =>
        new(RpcPrograms.Remote, 1, procedure, type, serial, status);

    [Fact]
    public async Task DownloadReadsDataAndHolesThenCompletesTheFinishHandshake()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.OnRaw(Download, _ => []);

        var (stream, reply) = await client.OpenStreamAsync(RpcPrograms.Remote, Download, w => w.WriteUHyper(0), CancellationToken.None);
        Assert.True(reply.IsEmpty);
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Continue), "abc"u8);
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Continue), "defg"u8);
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Continue, PacketType.StreamHole),
            new XdrWriter().WriteHyper(4096).WriteUInt(0).ToArray());
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Continue), default);

        var chunks = new List<StreamChunk>();
        var reading = Task.Run(async () =>
        {
            while (await stream.ReadAsync(CancellationToken.None) is { } chunk)
            {
                chunks.Add(chunk);
            }
        });

        await RpcClientTests.WaitUntil(() => daemon.StreamPackets.Any(p => p.Header.Status == PacketStatus.Ok));
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Ok), default);
        await reading.WaitAsync(Bounded);

        Assert.Equal("abc", System.Text.Encoding.ASCII.GetString(chunks[0].Data.Span));
        Assert.Equal("defg", System.Text.Encoding.ASCII.GetString(chunks[1].Data.Span));
        Assert.True(chunks[2].IsHole);
        Assert.Equal(4096, chunks[2].HoleLength);
        Assert.Equal(3, chunks.Count);
        Assert.Equal(stream.Serial, Assert.Single(daemon.StreamPackets).Header.Serial);
    }

    [Fact]
    public async Task UploadSplitsIntoSafeChunksAndWaitsForTheDaemonsOk()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.OnRaw(Upload, _ => []);
        var data = new byte[600_000];
        new Random(1).NextBytes(data);

        var (stream, _) = await client.OpenStreamAsync(RpcPrograms.Remote, Upload, null, CancellationToken.None);
        await stream.WriteAsync(data, CancellationToken.None);
        var finishing = stream.FinishAsync(CancellationToken.None);
        await RpcClientTests.WaitUntil(() => daemon.StreamPackets.Any(p => p.Header.Status == PacketStatus.Ok));
        Assert.False(finishing.IsCompleted);
        await daemon.SendAsync(StreamHeader(Upload, stream.Serial, PacketStatus.Ok), default);
        await finishing.WaitAsync(Bounded);

        var packets = daemon.StreamPackets.ToArray();
        var dataPackets = packets.Where(p => p.Header.Status == PacketStatus.Continue).ToArray();
        Assert.Equal(new[] { RpcLimits.SafeStreamChunk, RpcLimits.SafeStreamChunk, 600_000 - 2 * RpcLimits.SafeStreamChunk },
            dataPackets.Select(p => p.Payload.Length));
        Assert.Equal(data, dataPackets.SelectMany(p => p.Payload.ToArray()).ToArray());
        Assert.All(packets, p => Assert.Equal(stream.Serial, p.Header.Serial));
    }

    [Fact]
    public async Task DaemonErrorEndsTheStreamWithItsLibvirtError()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.OnRaw(Download, _ => []);
        var (stream, _) = await client.OpenStreamAsync(RpcPrograms.Remote, Download, null, CancellationToken.None);

        var writer = new XdrWriter();
        MockDaemon.Error(ErrorCode.SystemError, ErrorDomain.Storage, "cannot read volume").Write(writer);
        await daemon.SendAsync(StreamHeader(Download, stream.Serial, PacketStatus.Error), writer.ToArray());

        var ex = await Assert.ThrowsAsync<LibVirtException>(async () => await stream.ReadAsync(CancellationToken.None)).WaitAsync(Bounded);
        Assert.Equal(ErrorCode.SystemError, ex.Code);
        Assert.Equal("cannot read volume", ex.Message);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task StreamOpenFailureIsTheCallsError()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        var ex = await Assert.ThrowsAsync<LibVirtException>(() => client.OpenStreamAsync(RpcPrograms.Remote, Download, null, CancellationToken.None));
        Assert.Equal(ErrorCode.NoSupport, ex.Code);
    }

    [Fact]
    public async Task LostConnectionFailsAnOpenStream()
    {
        var (daemon, client) = MockDaemon.Start();
        await using var _ = daemon;
        await using var __ = client;
        daemon.OnRaw(Download, _ => []);
        var (stream, _) = await client.OpenStreamAsync(RpcPrograms.Remote, Download, null, CancellationToken.None);
        var reading = stream.ReadAsync(CancellationToken.None).AsTask();
        daemon.Drop();
        await Assert.ThrowsAsync<ConnectionException>(() => reading).WaitAsync(Bounded);
    }
}
