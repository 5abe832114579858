using System.Buffers.Binary;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// Framing: length word, 24-byte header, payload. Reading validates the length before allocating; any framing
/// error is a <see cref="ConnectionException"/> because the stream cannot be resynchronised afterwards.
/// </summary>
public static class PacketCodec
{
    /// <summary>Builds one whole packet, length word included.</summary>
    public static byte[] Encode(RpcHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > RpcLimits.PayloadMax)
        {
            throw new LibVirtException(ErrorCode.Rpc, ErrorDomain.Rpc,
                $"packet payload of {payload.Length} bytes exceeds the maximum of {RpcLimits.PayloadMax}");
        }

        var packet = new byte[RpcLimits.MinPacket + payload.Length];
        var span = packet.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)packet.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], header.Program);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], header.Version);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], header.Procedure);
        BinaryPrimitives.WriteInt32BigEndian(span[16..], (int)header.Type);
        BinaryPrimitives.WriteUInt32BigEndian(span[20..], header.Serial);
        BinaryPrimitives.WriteInt32BigEndian(span[24..], (int)header.Status);
        payload.CopyTo(span[RpcLimits.MinPacket..]);
        return packet;
    }

    /// <summary>Decodes a whole packet held in memory (length word included).</summary>
    public static RpcPacket Decode(ReadOnlyMemory<byte> packet)
    {
        if (packet.Length < RpcLimits.MinPacket)
        {
            throw Malformed($"packet of {packet.Length} bytes is shorter than the {RpcLimits.MinPacket}-byte minimum");
        }

        var length = CheckLength(BinaryPrimitives.ReadUInt32BigEndian(packet.Span));
        if (length != packet.Length)
        {
            throw Malformed($"length word says {length} bytes but the packet has {packet.Length}");
        }

        return new RpcPacket(DecodeHeader(packet.Span[4..RpcLimits.MinPacket]), packet[RpcLimits.MinPacket..]);
    }

    /// <summary>
    /// Reads the next packet. Returns null on a clean end of stream (before the first byte of a packet); a stream
    /// that ends inside a packet, or an invalid length or header, throws.
    /// </summary>
    public static async ValueTask<RpcPacket?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var lengthWord = new byte[RpcLimits.LengthSize];
        var got = await ReadFullAsync(stream, lengthWord, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < lengthWord.Length)
        {
            throw Malformed("the stream ended inside a packet's length word");
        }

        var length = CheckLength(BinaryPrimitives.ReadUInt32BigEndian(lengthWord));
        var rest = await ReadBodyAsync(stream, length - RpcLimits.LengthSize, cancellationToken).ConfigureAwait(false)
            ?? throw Malformed($"the stream ended inside a packet of {length} bytes");
        return new RpcPacket(DecodeHeader(rest.AsSpan(0, RpcLimits.HeaderSize)), rest.AsMemory(RpcLimits.HeaderSize));
    }

    private static int CheckLength(uint length)
    {
        if (length < RpcLimits.MinPacket || length > RpcLimits.MaxPacket)
        {
            throw Malformed($"packet length {length} is outside {RpcLimits.MinPacket}..{RpcLimits.MaxPacket}");
        }

        return (int)length;
    }

    private static RpcHeader DecodeHeader(ReadOnlySpan<byte> span)
    {
        var header = new RpcHeader(
            BinaryPrimitives.ReadUInt32BigEndian(span),
            BinaryPrimitives.ReadUInt32BigEndian(span[4..]),
            BinaryPrimitives.ReadInt32BigEndian(span[8..]),
            (PacketType)BinaryPrimitives.ReadInt32BigEndian(span[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(span[16..]),
            (PacketStatus)BinaryPrimitives.ReadInt32BigEndian(span[20..]));
        if (header.Version != RpcHeader.ProtocolVersion)
        {
            throw Malformed($"unsupported protocol version {header.Version} ({header})");
        }

        if (!Enum.IsDefined(header.Type) || !Enum.IsDefined(header.Status))
        {
            throw Malformed($"unknown packet type or status ({header})");
        }

        return header;
    }

    /// <summary>
    /// Reads <paramref name="size"/> bytes, growing the buffer as data actually arrives, so that a length word
    /// claiming 32 MiB followed by a few bytes costs only what was received. Null when the stream ends early.
    /// </summary>
    private static async ValueTask<byte[]?> ReadBodyAsync(Stream stream, int size, CancellationToken cancellationToken)
    {
        const int firstChunk = 64 * 1024;
        var buffer = new byte[Math.Min(size, firstChunk)];
        var total = 0;
        while (total < size)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(size, (long)buffer.Length * 4));
            }

            var n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            total += n;
        }

        return buffer;
    }

    private static async ValueTask<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static ConnectionException Malformed(string why) => new($"Malformed RPC packet: {why}");
}
