using System.Runtime.InteropServices;
using System.Text;

namespace LibVirtPS.Tests.Images;

/// <summary>File operations by byte names (names that are not UTF-8 cannot pass through .NET strings).</summary>
internal static class NativeFiles
{
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags, int mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nuint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(byte[] path, uint mode);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(byte[] existing, byte[] created);

    public static void Create(byte[] path, byte[] content)
    {
        var fd = Open(Nul(path), 0x41 | 0x200, 0x1A4);
        if (fd < 0)
        {
            throw new IOException($"open failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (content.Length > 0 && Write(fd, content, (nuint)content.Length) != content.Length)
            {
                throw new IOException("short write");
            }
        }
        finally
        {
            Close(fd);
        }
    }

    public static void Fifo(string path)
    {
        if (MakeFifo(Nul(Encoding.UTF8.GetBytes(path)), 0x180) != 0)
        {
            throw new IOException($"mkfifo failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static void HardLink(string existing, string created)
    {
        if (Link(Nul(Encoding.UTF8.GetBytes(existing)), Nul(Encoding.UTF8.GetBytes(created))) != 0)
        {
            throw new IOException($"link failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static byte[] Nul(byte[] path) => path.Append((byte)0).ToArray();
}
