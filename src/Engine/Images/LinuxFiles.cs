using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LibVirtPS.Engine.Images;

/// <summary>
/// The few libc calls the local source needs on Linux: open by bytes (names need not be UTF-8), non-blocking so a
/// FIFO never hangs, and statx, whose buffer layout is the same on every architecture.
/// </summary>
internal static class LinuxFiles
{
    internal const int ENOENT = 2, EACCES = 13, ENOTDIR = 20, ENAMETOOLONG = 36, ELOOP = 40, EPERM = 1, ENXIO = 6, ENOSYS = 38;

    private const int OpenReadOnly = 0, OpenNonBlocking = 0x800, OpenCloseOnExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int SeekEnd = 2;

    internal const int TypeMask = 0xF000, TypeRegular = 0x8000, TypeBlock = 0x6000, TypeDirectory = 0x4000, TypeFifo = 0x1000,
        TypeSocket = 0xC000, TypeCharacter = 0x2000;

    private static readonly byte[] EmptyName = { 0 };

    internal readonly record struct Status(int Mode, ulong Inode, long Size, ulong Device);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int NativeOpen(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int NativeClose(int fd);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int NativeStatx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static extern nint NativePread(int fd, ref byte buffer, nuint count, long offset);

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long NativeLseek(int fd, long offset, int whence);

    private static bool? _available;

    /// <summary>True when the calls resolve (Linux with glibc 2.28 or later, or musl with statx).</summary>
    internal static bool Available
    {
        get
        {
            if (_available is bool known)
            {
                return known;
            }

            if (!OperatingSystem.IsLinux())
            {
                return (_available = false).Value;
            }

            try
            {
                var buffer = new byte[256];
                // A kernel (or a sandbox) without statx answers ENOSYS: use the portable path then.
                var rc = NativeStatx(-100, new byte[] { (byte)'/', 0 }, 0, StatxBasicStats, buffer);
                _available = rc == 0 || Marshal.GetLastPInvokeError() != ENOSYS;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _available = false;
            }

            return _available.Value;
        }
    }

    /// <summary>Opens read-only and non-blocking; returns the descriptor or -errno.</summary>
    internal static int Open(byte[] nulTerminatedPath)
    {
        var fd = NativeOpen(nulTerminatedPath, OpenReadOnly | OpenNonBlocking | OpenCloseOnExec);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    internal static void Close(int fd) => NativeClose(fd);

    /// <summary>The status of an open descriptor, or null with errno.</summary>
    internal static Status? StatDescriptor(int fd, out int errno)
    {
        var buffer = new byte[256];
        if (NativeStatx(fd, EmptyName, AtEmptyPath, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32));
        var size = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(40));
        var devMajor = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136));
        var devMinor = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140));
        if (!BitConverter.IsLittleEndian)
        {
            mode = BinaryPrimitives.ReverseEndianness(mode);
            inode = BinaryPrimitives.ReverseEndianness(inode);
            size = BinaryPrimitives.ReverseEndianness(size);
            devMajor = BinaryPrimitives.ReverseEndianness(devMajor);
            devMinor = BinaryPrimitives.ReverseEndianness(devMinor);
        }

        return new Status(mode, inode, size, ((ulong)devMajor << 32) | devMinor);
    }

    internal static long SizeByEnd(int fd) => NativeLseek(fd, 0, SeekEnd);

    /// <summary>Reads at offset; returns the count or -errno.</summary>
    internal static int Read(int fd, long offset, Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var count = NativePread(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, offset);
        return count >= 0 ? (int)count : -Marshal.GetLastPInvokeError();
    }
}
