using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LibVirtPS.Tests.Images;

/// <summary>
/// Runs qemu-img. The chain tests need it: when it is missing they fail with an instruction, they never skip.
/// </summary>
public static class QemuImg
{
    private static readonly Lazy<string?> Location = new(Find);

    public static string Exe => Location.Value ?? throw new InvalidOperationException(
        "qemu-img was not found on PATH. The backing-chain tests build their images with it: install it (Debian/Ubuntu: " +
        "apt-get install -y qemu-utils; Fedora: dnf install qemu-img; macOS: brew install qemu) and run the tests again.");

    /// <summary>Runs qemu-img with arguments; throws with its output when it fails.</summary>
    public static string Run(params string[] args)
    {
        var (code, output, error) = TryRun(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)} failed ({code}): {error}");
        }

        return output;
    }

    public static (int Code, string Output, string Error) TryRun(params string[] args)
    {
        var start = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"qemu-img {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>qemu-img create -f format [-b backing -F backingFormat] path size.</summary>
    public static void Create(string path, string format, string size = "64M", string? backing = null, string? backingFormat = null, params string[] options)
    {
        var args = new List<string> { "create", "-q", "-f", format };
        foreach (var option in options)
        {
            args.Add("-o");
            args.Add(option);
        }

        if (backing is not null)
        {
            args.AddRange(new[] { "-b", backing });
            if (backingFormat is not null)
            {
                args.AddRange(new[] { "-F", backingFormat });
            }

            // qemu-img needs no size when it reads the backing file's size; unsafe (-u) keeps it from opening it.
            args.Add("-u");
        }

        args.Add(path);
        args.Add(size);
        Run(args.ToArray());
    }

    /// <summary>
    /// Turns a qcow2's backing format extension into an unknown one (which qemu ignores), as older qemu versions
    /// wrote overlays: qemu 7.2 no longer creates an overlay without a backing format.
    /// </summary>
    public static void ForgetBackingFormat(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan(0, Math.Min(bytes.Length, 65536)).IndexOf(new byte[] { 0xE2, 0x79, 0x2A, 0xCA });
        if (at < 0)
        {
            throw new InvalidOperationException($"{path} records no backing format");
        }

        new byte[] { 0x7E, 0x57, 0x00, 0x01 }.CopyTo(bytes, at);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>qemu-img info --backing-chain --output=json: the flat array, top first.</summary>
    public static JsonArray InfoChain(string path, string? format = null)
    {
        var args = new List<string> { "info", "--backing-chain", "--output=json" };
        if (format is not null)
        {
            args.AddRange(new[] { "-f", format });
        }

        args.Add(path);
        return (JsonArray)JsonNode.Parse(Run(args.ToArray()))!;
    }

    public static JsonObject Info(string path, string? format = null)
    {
        var args = new List<string> { "info", "--output=json" };
        if (format is not null)
        {
            args.AddRange(new[] { "-f", format });
        }

        args.Add(path);
        return (JsonObject)JsonNode.Parse(Run(args.ToArray()))!;
    }

    private static string? Find()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "qemu-img.exe" } : new[] { "qemu-img" };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
