using System.Buffers.Binary;
using System.Text;

namespace LibVirtPS.Drivers.Remote.Xdr;

/// <summary>
/// Encodes XDR (RFC 4506) into a growable buffer: big-endian 4-byte units, zero padding, and the declared maxima
/// enforced on the way out so that the daemon never receives what it would refuse.
/// </summary>
public sealed class XdrWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private byte[] _buffer;
    private int _length;

    public XdrWriter(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(16, initialCapacity)];
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public XdrWriter WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        return this;
    }

    public XdrWriter WriteUInt(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        return this;
    }

    public XdrWriter WriteHyper(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    public XdrWriter WriteUHyper(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);
        return this;
    }

    public XdrWriter WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), value);
        return this;
    }

    public XdrWriter WriteBool(bool value) => WriteInt(value ? 1 : 0);

    /// <summary>A string&lt;max&gt;: u32 byte count, UTF-8 bytes, padding.</summary>
    public XdrWriter WriteString(string value, int max = XdrLimits.StringMax)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = StrictUtf8.GetByteCount(value);
        CheckLength(count, max, "string");
        WriteUInt((uint)count);
        var span = Reserve(XdrLimits.Padded(count));
        StrictUtf8.GetBytes(value, span);
        span[count..].Clear();
        return this;
    }

    /// <summary>opaque[N]: exactly N bytes, padded.</summary>
    public XdrWriter WriteFixedOpaque(ReadOnlySpan<byte> value, int size)
    {
        if (value.Length != size)
        {
            throw new XdrException($"fixed opaque needs {size} bytes, got {value.Length}");
        }

        WriteRaw(value);
        return this;
    }

    /// <summary>opaque&lt;max&gt;: u32 byte count, bytes, padding.</summary>
    public XdrWriter WriteOpaque(ReadOnlySpan<byte> value, int max)
    {
        CheckLength(value.Length, max, "opaque");
        WriteUInt((uint)value.Length);
        WriteRaw(value);
        return this;
    }

    /// <summary>An optional (T *): discriminant 0 when absent, 1 and the value when present.</summary>
    public XdrWriter WriteOptional<T>(T? value, Action<XdrWriter, T> write)
        where T : class
    {
        if (value is null)
        {
            return WriteUInt(0);
        }

        WriteUInt(1);
        write(this, value);
        return this;
    }

    /// <summary>The optional string libvirt calls remote_string.</summary>
    public XdrWriter WriteOptionalString(string? value) => WriteOptional(value, static (w, s) => w.WriteString(s));

    /// <summary>T&lt;max&gt;: u32 count, then the elements.</summary>
    public XdrWriter WriteArray<T>(IReadOnlyCollection<T> items, int max, Action<XdrWriter, T> write)
    {
        CheckLength(items.Count, max, "array");
        WriteUInt((uint)items.Count);
        foreach (var item in items)
        {
            write(this, item);
        }

        return this;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var span = Reserve(XdrLimits.Padded(bytes.Length));
        bytes.CopyTo(span);
        span[bytes.Length..].Clear();
    }

    private static void CheckLength(int count, int max, string what)
    {
        if (count > max)
        {
            throw new XdrException($"{what} of {count} exceeds the protocol maximum of {max}");
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > XdrLimits.PayloadMax)
        {
            throw new XdrException($"XDR data would exceed the payload maximum of {XdrLimits.PayloadMax} bytes");
        }

        if (_length + count > _buffer.Length)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _length + count)];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
