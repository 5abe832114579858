using System.Buffers.Binary;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// Reads whole packets from a stream through one receive buffer, so that many small packets arriving together
/// (pipelined replies) cost one read instead of two each. Validation is <see cref="PacketCodec"/>'s: the length is
/// checked before anything is allocated, and a packet larger than the buffer grows only as its bytes arrive.
/// Reads block: the RPC client's reader thread waits in the transport's read itself.
/// </summary>
public sealed class PacketReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    public PacketReader(Stream stream, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = new byte[Math.Max(RpcLimits.MinPacket, bufferSize)];
    }

    /// <summary>The next packet, or null on a clean end of stream between packets.</summary>
    public RpcPacket? Read()
    {
        if (!Fill(RpcLimits.LengthSize))
        {
            return _end == _start ? null : throw Malformed("the stream ended inside a packet's length word");
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start));
        if ((uint)length < RpcLimits.MinPacket || (uint)length > RpcLimits.MaxPacket)
        {
            throw Malformed($"packet length {(uint)length} is outside {RpcLimits.MinPacket}..{RpcLimits.MaxPacket}");
        }

        byte[] packet;
        if (length <= _buffer.Length)
        {
            if (!Fill(length))
            {
                throw Malformed($"the stream ended inside a packet of {length} bytes");
            }

            packet = _buffer.AsSpan(_start, length).ToArray();
            _start += length;
        }
        else
        {
            packet = ReadLarge(length);
        }

        return PacketCodec.Decode(packet);
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_buffer.Length - _start < count)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < count)
        {
            var n = _stream.Read(_buffer.AsSpan(_end));
            if (n == 0)
            {
                return false;
            }

            _end += n;
        }

        return true;
    }

    private byte[] ReadLarge(int length)
    {
        var packet = new byte[Math.Max(_buffer.Length, Math.Min(length, _buffer.Length * 4))];
        var have = _end - _start;
        _buffer.AsSpan(_start, have).CopyTo(packet);
        _start = _end = 0;
        while (have < length)
        {
            if (have == packet.Length)
            {
                Array.Resize(ref packet, (int)Math.Min(length, (long)packet.Length * 4));
            }

            var n = _stream.Read(packet.AsSpan(have, Math.Min(packet.Length, length) - have));
            if (n == 0)
            {
                throw Malformed($"the stream ended inside a packet of {length} bytes");
            }

            have += n;
        }

        return packet.Length == length ? packet : packet[..length];
    }

    private static ConnectionException Malformed(string why) => new($"Malformed RPC packet: {why}");
}
