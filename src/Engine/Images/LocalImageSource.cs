using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LibVirtPS.Engine.Images;

/// <summary>Opens local files and block devices. On Linux names are opened by their bytes, without blocking.</summary>
public sealed class LocalImageSourceProvider : IImageSourceProvider
{
    private readonly bool _native;

    public LocalImageSourceProvider()
        : this(native: true)
    {
    }

    /// <summary>native: false uses the runtime's portable file API even on Linux (as on other systems).</summary>
    internal LocalImageSourceProvider(bool native) => _native = native;

    public static LocalImageSourceProvider Instance { get; } = new();

    public ImageOpenResult Open(ImagePath path)
    {
        if (path.Length == 0)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", "The name is empty");
        }

        return _native && LinuxFiles.Available ? OpenLinux(path) : OpenManaged(path);
    }

    private static ImageOpenResult OpenLinux(ImagePath path)
    {
        if (path.Bytes.IndexOf((byte)0) >= 0)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", $"'{path}': the name contains a NUL byte");
        }

        var fd = LinuxFiles.Open(path.ToNulTerminated());
        if (fd < 0)
        {
            return FromErrno(path, -fd);
        }

        var status = LinuxFiles.StatDescriptor(fd, out var errno);
        if (status is not LinuxFiles.Status st)
        {
            LinuxFiles.Close(fd);
            return FromErrno(path, errno);
        }

        var type = st.Mode & LinuxFiles.TypeMask;
        if (type is not (LinuxFiles.TypeRegular or LinuxFiles.TypeBlock))
        {
            LinuxFiles.Close(fd);
            var what = type switch
            {
                LinuxFiles.TypeDirectory => ("ImageIsDirectory", "is a directory"),
                LinuxFiles.TypeFifo => ("ImageNotRegularFile", "is a FIFO"),
                LinuxFiles.TypeSocket => ("ImageNotRegularFile", "is a socket"),
                LinuxFiles.TypeCharacter => ("ImageNotRegularFile", "is a character device"),
                _ => ("ImageNotRegularFile", "is not a regular file or block device"),
            };
            return ImageOpenResult.Failed(ImageOpenFailure.Unreadable, what.Item1, $"'{path}' {what.Item2}");
        }

        var block = type == LinuxFiles.TypeBlock;
        var length = block ? Math.Max(0, LinuxFiles.SizeByEnd(fd)) : st.Size;
        return ImageOpenResult.Opened(new LinuxImageSource(path, fd, length, new FileIdentity(st.Device, st.Inode, null), block));
    }

    private static ImageOpenResult FromErrno(ImagePath path, int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return errno switch
        {
            LinuxFiles.ENOENT => ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", $"'{path}': {text}"),
            LinuxFiles.ENOTDIR => ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", $"'{path}': {text}"),
            LinuxFiles.ENAMETOOLONG => ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImagePathTooLong", $"'{path}': {text}"),
            LinuxFiles.ELOOP => ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageSymlinkLoop", $"'{path}': {text}"),
            LinuxFiles.EACCES or LinuxFiles.EPERM => ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageAccessDenied", $"'{path}': {text}"),
            LinuxFiles.ENXIO => ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageNotRegularFile", $"'{path}': {text}"),
            _ => ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageUnreadable", $"'{path}': {text}"),
        };
    }

    /// <summary>
    /// Windows, macOS and other systems: the runtime's file API, with Windows file ids for identity (elsewhere the full
    /// path stands in for identity).
    /// </summary>
    private static ImageOpenResult OpenManaged(ImagePath path)
    {
        var name = path.Text;
        try
        {
            if (Directory.Exists(name))
            {
                return ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageIsDirectory", $"'{name}' is a directory");
            }

            var handle = File.OpenHandle(name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var identity = WindowsFileIds.TryGet(handle) ?? new FileIdentity(0, 0, CanonicalPath(name));
            return ImageOpenResult.Opened(new ManagedImageSource(path, handle, identity));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImageNotFound", $"'{name}': {e.Message}");
        }
        catch (PathTooLongException e)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Missing, "ImagePathTooLong", $"'{name}': {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageAccessDenied", $"'{name}': {e.Message}");
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            return ImageOpenResult.Failed(ImageOpenFailure.Unreadable, "ImageUnreadable", $"'{name}': {e.Message}");
        }
    }

    /// <summary>The full path with symlinks resolved: the stand-in for identity where no file ids are available.</summary>
    private static string CanonicalPath(string name)
    {
        var full = Path.GetFullPath(name);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;
        }
    }
}

internal sealed class LinuxImageSource : IImageSource
{
    private int _fd;

    public LinuxImageSource(ImagePath path, int fd, long length, FileIdentity identity, bool block)
    {
        Path = path;
        _fd = fd;
        Length = length;
        Identity = identity;
        IsBlockDevice = block;
    }

    public ImagePath Path { get; }
    public long Length { get; }
    public FileIdentity Identity { get; }
    public bool IsBlockDevice { get; }

    public int Read(long offset, Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var total = 0;
        while (total < buffer.Length)
        {
            var count = LinuxFiles.Read(_fd, offset + total, buffer[total..]);
            if (count < 0)
            {
                throw new IOException($"Reading '{Path}' at offset {offset + total}: {Marshal.GetPInvokeErrorMessage(-count)}");
            }

            if (count == 0)
            {
                break;
            }

            total += count;
        }

        return total;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            LinuxFiles.Close(_fd);
            _fd = -1;
        }
    }
}

internal sealed class ManagedImageSource : IImageSource
{
    private readonly SafeFileHandle _handle;

    public ManagedImageSource(ImagePath path, SafeFileHandle handle, FileIdentity identity)
    {
        Path = path;
        _handle = handle;
        Identity = identity;
        Length = RandomAccess.GetLength(handle);
    }

    public ImagePath Path { get; }
    public long Length { get; }
    public FileIdentity Identity { get; }
    public bool IsBlockDevice => false;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var total = 0;
        while (total < buffer.Length)
        {
            var count = RandomAccess.Read(_handle, buffer[total..], offset + total);
            if (count == 0)
            {
                break;
            }

            total += count;
        }

        return total;
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>Volume serial number and file index of an open Windows file.</summary>
internal static class WindowsFileIds
{
    [StructLayout(LayoutKind.Sequential)]
    private struct ByHandleFileInformation
    {
        public uint FileAttributes;
        public long CreationTime, LastAccessTime, LastWriteTime;
        public uint VolumeSerialNumber, FileSizeHigh, FileSizeLow, NumberOfLinks, FileIndexHigh, FileIndexLow;
    }

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool GetFileInformationByHandle(SafeFileHandle handle, out ByHandleFileInformation information);

    internal static FileIdentity? TryGet(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsWindows() || !GetFileInformationByHandle(handle, out var info))
        {
            return null;
        }

        return new FileIdentity(info.VolumeSerialNumber, ((ulong)info.FileIndexHigh << 32) | info.FileIndexLow, null);
    }
}
