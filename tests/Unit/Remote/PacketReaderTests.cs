using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class PacketReaderTests
{
    private static byte[] Packet(uint serial, int payloadSize)
    {
        var payload = new byte[payloadSize];
        new Random((int)serial).NextBytes(payload);
        return PacketCodec.Encode(new RpcHeader(RpcPrograms.Remote, 1, 3, PacketType.Reply, serial, PacketStatus.Ok), payload);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void PacketsSplitOrJoinedAnyWayComeOutWhole(int maxChunk)
    {
        var packets = new[] { Packet(0, 0), Packet(1, 5), Packet(2, 300_000), Packet(3, 64 * 1024 - 28), Packet(4, 12) };
        var reader = new PacketReader(new ChunkedStream(packets.SelectMany(p => p).ToArray(), maxChunk), bufferSize: 1024);
        foreach (var expected in packets)
        {
            var packet = reader.Read();
            Assert.NotNull(packet);
            Assert.Equal(PacketCodec.Decode(expected).Header, packet.Header);
            Assert.Equal(expected[28..], packet.Payload.ToArray());
        }

        Assert.Null(reader.Read());
    }

    [Theory]
    [InlineData("0000")]
    [InlineData("0000001c 20008086")]
    [InlineData("00100000 20008086 00000001 00000003 00000001 00000000 00000000 0000")]
    [InlineData("ffffffff")]
    public void TruncatedOrOversizedIsAConnectionError(string hex)
    {
        var reader = new PacketReader(new ChunkedStream(GoldenPacketTests.Hex(hex), 3), bufferSize: 64);
        Assert.Throws<ConnectionException>(() => reader.Read());
    }

    /// <summary>Hands out its bytes in chunks of at most the given size, as a socket may.</summary>
    private sealed class ChunkedStream(byte[] data, int maxChunk) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxChunk)]);
    }
}
