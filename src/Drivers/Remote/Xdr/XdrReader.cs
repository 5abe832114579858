using System.Buffers.Binary;
using System.Text;

namespace LibVirtPS.Drivers.Remote.Xdr;

/// <summary>
/// Decodes XDR (RFC 4506) from a buffer. Strict: a length beyond the remaining bytes or above the declared maximum,
/// non-zero padding, a bad boolean or invalid UTF-8 is an <see cref="XdrException"/>, checked before anything is
/// allocated, so hostile input can never make it allocate more than the buffer it already has.
/// </summary>
public sealed class XdrReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    public XdrReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    public int Position => _position;

    public int Remaining => _data.Length - _position;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadHyper() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ulong ReadUHyper() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public bool ReadBool() => ReadInt() switch
    {
        0 => false,
        1 => true,
        var other => throw new XdrException($"{other} is not an XDR boolean"),
    };

    public string ReadString(int max = XdrLimits.StringMax)
    {
        var count = ReadLength(max, "string");
        try
        {
            return StrictUtf8.GetString(TakePadded(count));
        }
        catch (DecoderFallbackException)
        {
            throw new XdrException("string is not valid UTF-8");
        }
    }

    public byte[] ReadFixedOpaque(int size) => TakePadded(size).ToArray();

    public byte[] ReadOpaque(int max) => TakePadded(ReadLength(max, "opaque")).ToArray();

    /// <summary>An optional (T *); any non-zero discriminant means present, as the daemon itself decides.</summary>
    public T? ReadOptional<T>(Func<XdrReader, T> read)
        where T : class =>
        ReadUInt() == 0 ? null : read(this);

    public string? ReadOptionalString() => ReadOptional(static r => r.ReadString());

    /// <summary>
    /// T&lt;max&gt;. <paramref name="minElementSize"/> (at least 4, XDR's unit) bounds the count by the bytes left, so a
    /// huge count fails before the list is sized.
    /// </summary>
    public List<T> ReadArray<T>(int max, Func<XdrReader, T> read, int minElementSize = 4)
    {
        var count = ReadLength(max, "array");
        if ((long)count * Math.Max(4, minElementSize) > Remaining)
        {
            throw new XdrException($"array of {count} elements cannot fit in the {Remaining} bytes left");
        }

        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(read(this));
        }

        return items;
    }

    /// <summary>Fails unless every byte was consumed: trailing data means the two sides disagree on the layout.</summary>
    public void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new XdrException($"{Remaining} unexpected bytes after the XDR data");
        }
    }

    private int ReadLength(int max, string what)
    {
        var count = ReadUInt();
        if (count > (uint)max)
        {
            throw new XdrException($"{what} length {count} exceeds the protocol maximum of {max}");
        }

        if (what != "array" && XdrLimits.Padded((int)count) > Remaining)
        {
            throw new XdrException($"{what} length {count} runs past the end of the data ({Remaining} bytes left)");
        }

        return (int)count;
    }

    private ReadOnlySpan<byte> TakePadded(int count)
    {
        var padded = XdrLimits.Padded(count);
        var span = Take(padded);
        foreach (var b in span[count..])
        {
            if (b != 0)
            {
                throw new XdrException("non-zero XDR padding");
            }
        }

        return span[..count];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new XdrException($"XDR data truncated: needed {count} bytes, {Remaining} left");
        }

        var span = _data.Span.Slice(_position, count);
        _position += count;
        return span;
    }
}
