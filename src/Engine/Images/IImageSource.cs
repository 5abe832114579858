namespace LibVirtPS.Engine.Images;

/// <summary>
/// Which file an image is, independent of the name used to reach it: device and inode on Linux, volume serial and
/// file index on Windows, else the full path. Two names of one file (a hard link, a symlink, "../dir/self") compare equal.
/// </summary>
public readonly record struct FileIdentity(ulong Volume, ulong Index, string? FullPath)
{
    public override string ToString() => FullPath ?? $"{Volume:x}:{Index}";
}

/// <summary>Read-only random access to one image: a local file now, a remote stream (SFTP, volume download) later.</summary>
public interface IImageSource : IDisposable
{
    /// <summary>The name the source was opened by.</summary>
    ImagePath Path { get; }

    /// <summary>Size in bytes (for a block device, the device size).</summary>
    long Length { get; }

    FileIdentity Identity { get; }

    /// <summary>True for a block device rather than a regular file.</summary>
    bool IsBlockDevice { get; }

    /// <summary>Reads up to buffer.Length bytes at offset; returns the count read, less at the end, 0 past it.</summary>
    int Read(long offset, Span<byte> buffer);
}

/// <summary>Why a name could not be opened as an image.</summary>
public enum ImageOpenFailure
{
    /// <summary>The name does not resolve (no such file, not a directory, name too long, symlink loop).</summary>
    Missing,

    /// <summary>The file exists but cannot be read or is not a regular file or block device.</summary>
    Unreadable,
}

/// <summary>An opened source, or why there is none (with a stable error id such as ImageNotFound).</summary>
public sealed record ImageOpenResult(IImageSource? Source, ImageOpenFailure? Failure, string? ErrorId, string? Message)
{
    public static ImageOpenResult Opened(IImageSource source) => new(source, null, null, null);

    public static ImageOpenResult Failed(ImageOpenFailure failure, string errorId, string message) => new(null, failure, errorId, message);
}

/// <summary>Opens image sources by name. It must never block (a FIFO is refused, not waited on).</summary>
public interface IImageSourceProvider
{
    ImageOpenResult Open(ImagePath path);
}

public static class ImageSourceProviderExtensions
{
    public static ImageOpenResult Open(this IImageSourceProvider provider, string path) => provider.Open(ImagePath.FromString(path));
}
