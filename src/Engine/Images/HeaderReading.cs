using System.Buffers.Binary;
using System.Text;

namespace LibVirtPS.Engine.Images;

/// <summary>Bounded reads for header readers: no buffer is ever sized from an unchecked header field.</summary>
internal static class HeaderReading
{
    /// <summary>The largest single read a reader makes (the probing budget of one region).</summary>
    internal const int MaxChunk = 64 * 1024;

    /// <summary>Up to count bytes at offset (fewer at the end of the source); count is capped at MaxChunk.</summary>
    internal static byte[] Bytes(IImageSource source, long offset, long count)
    {
        if (offset < 0 || count <= 0 || offset >= source.Length)
        {
            return Array.Empty<byte>();
        }

        var size = (int)Math.Min(Math.Min(count, MaxChunk), source.Length - offset);
        var buffer = new byte[size];
        var read = source.Read(offset, buffer);
        return read == size ? buffer : buffer.AsSpan(0, read).ToArray();
    }

    /// <summary>Exactly count bytes at offset, or null when the source ends first.</summary>
    internal static byte[]? BytesExact(IImageSource source, long offset, long count)
    {
        if (count > MaxChunk)
        {
            return null;
        }

        var bytes = Bytes(source, offset, count);
        return bytes.Length == count ? bytes : null;
    }

    /// <summary>The bytes up to the first NUL, as C code would see the string.</summary>
    internal static byte[] UpToNul(ReadOnlySpan<byte> bytes)
    {
        var nul = bytes.IndexOf((byte)0);
        return (nul < 0 ? bytes : bytes[..nul]).ToArray();
    }

    internal static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(UpToNul(bytes));

    internal static uint U32BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
    internal static ulong U64BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64BigEndian(b[at..]);
    internal static ushort U16BE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
    internal static uint U32LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    internal static ulong U64LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
    internal static ushort U16LE(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    internal static bool StartsWith(ReadOnlySpan<byte> b, int at, ReadOnlySpan<byte> magic) =>
        b.Length >= at + magic.Length && b.Slice(at, magic.Length).SequenceEqual(magic);

    /// <summary>A byte count from sectors, or null when it does not fit in a long.</summary>
    internal static long? Sectors(ulong sectors) => sectors > (ulong)(long.MaxValue / 512) ? null : (long)sectors * 512;
}

/// <summary>
/// A one-window cache over a source, for walking many small records (qcow2 header extensions). The window's buffer
/// is allocated once and reused, so a long walk does not allocate as it goes.
/// </summary>
internal sealed class WindowReader
{
    private const int WindowSize = 16 * 1024;
    private readonly IImageSource _source;
    private readonly byte[] _window = new byte[WindowSize];
    private long _start = -1;
    private int _length;

    public WindowReader(IImageSource source) => _source = source;

    /// <summary>count bytes at offset (count ≤ the window size), or an empty span when the source ends first.</summary>
    public ReadOnlySpan<byte> Get(long offset, int count)
    {
        if (count > WindowSize || offset < 0)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        if (_start < 0 || offset < _start || offset + count > _start + _length)
        {
            _start = offset;
            _length = offset >= _source.Length ? 0 : _source.Read(offset, _window);
        }

        var at = (int)(offset - _start);
        return at + count <= _length ? _window.AsSpan(at, count) : ReadOnlySpan<byte>.Empty;
    }
}
