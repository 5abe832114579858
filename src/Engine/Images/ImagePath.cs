using System.Text;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// A file name as bytes. Unix names need not be valid UTF-8, and a backing reference read from an image is bytes too,
/// so paths are joined and opened as bytes and only decoded for display.
/// </summary>
public sealed class ImagePath : IEquatable<ImagePath>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _bytes;

    public ImagePath(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    /// <summary>The path of a .NET string (encoded as UTF-8, as the runtime does when it opens files).</summary>
    public static ImagePath FromString(string path) => new(Encoding.UTF8.GetBytes(path));

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int Length => _bytes.Length;

    public bool IsValidUtf8 => TryDecode(_bytes, out _);

    /// <summary>The name for display; bytes that are not UTF-8 become U+FFFD.</summary>
    public string Text => Encoding.UTF8.GetString(_bytes);

    /// <summary>The bytes in base64 when they are not valid UTF-8 (so that Text does not name the file), else null.</summary>
    public string? Base64WhenNotUtf8 => IsValidUtf8 ? null : Convert.ToBase64String(_bytes);

    public bool IsAbsolute => _bytes.Length > 0 && (_bytes[0] == (byte)'/' || (OperatingSystem.IsWindows() && Path.IsPathRooted(Text)));

    /// <summary>
    /// Joins a reference read from the image at this path the way qemu does: an absolute reference is used as written;
    /// a relative one is appended to this path's directory as given (no symlink resolution, no '..' collapsing).
    /// </summary>
    public ImagePath Resolve(ReadOnlySpan<byte> reference)
    {
        var candidate = new ImagePath(reference);
        if (candidate.IsAbsolute)
        {
            return candidate;
        }

        var cut = LastSeparator();
        if (cut < 0)
        {
            return candidate;
        }

        var joined = new byte[cut + 1 + reference.Length];
        _bytes.AsSpan(0, cut + 1).CopyTo(joined);
        reference.CopyTo(joined.AsSpan(cut + 1));
        return new ImagePath(joined);
    }

    /// <summary>The directory part as given ("" when the path names no directory).</summary>
    public ImagePath Directory()
    {
        var cut = LastSeparator();
        return cut < 0 ? new ImagePath(ReadOnlySpan<byte>.Empty) : new ImagePath(_bytes.AsSpan(0, Math.Max(cut, 1)));
    }

    /// <summary>The bytes with a terminating NUL, for native calls.</summary>
    internal byte[] ToNulTerminated()
    {
        var result = new byte[_bytes.Length + 1];
        _bytes.CopyTo(result, 0);
        return result;
    }

    internal static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.UTF8.GetString(bytes);
            return false;
        }
    }

    private int LastSeparator()
    {
        for (var i = _bytes.Length - 1; i >= 0; i--)
        {
            // On Windows '\' separates too; on Unix it is an ordinary character of a name.
            if (_bytes[i] == (byte)'/' || (OperatingSystem.IsWindows() && _bytes[i] == (byte)'\\'))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Equals(ImagePath? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as ImagePath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => Text;
}
