using System.Text;

namespace LibVirtPS.Tests.Images;

/// <summary>A uniquely named folder under the temp folder, removed with everything in it.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "libvirtps-images-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A path inside the folder (sub-folders are created).</summary>
    public string File(string relative)
    {
        var full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    public string Folder(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    /// <summary>The bytes of a path inside the folder, for names that are not valid UTF-8.</summary>
    public byte[] Bytes(params byte[][] parts)
    {
        var result = new List<byte>(Encoding.UTF8.GetBytes(Root + "/"));
        foreach (var part in parts)
        {
            result.AddRange(part);
        }

        return result.ToArray();
    }

    public void Dispose()
    {
        // A folder made unreadable by a test must be readable again to be removed.
        foreach (var dir in Directory.EnumerateDirectories(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            TryRestore(dir);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Files with names the runtime cannot express are removed by the shell.
            using var rm = System.Diagnostics.Process.Start("rm", new[] { "-rf", "--", Root });
            rm.WaitForExit();
        }
    }

    private static void TryRestore(string dir)
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                System.IO.File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
