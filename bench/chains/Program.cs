using System.Diagnostics;
using LibVirtPS.Engine.Chains;

namespace LibVirtPS.Bench.Chains;

/// <summary>
/// Walks depth-50 and depth-200 qcow2 chains in process and with qemu-img info --backing-chain on the same files, in
/// one run, and prints per-walk times and ratios. qemu-img's process start-up (qemu-img --version) is measured too
/// and subtracted for the second ratio.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 15;
        var root = Path.Combine(Path.GetTempPath(), "libvirtps-chainbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var startup = Median(runs, () => Run("--version"));
            Console.WriteLine($"qemu-img start-up (qemu-img --version): {startup:F2} ms (median of {runs})");
            Console.WriteLine();
            Console.WriteLine($"{"depth",6} {"in-process ms",14} {"qemu-img ms",12} {"ratio",8} {"qemu-img - start-up ms",23} {"ratio",8}");
            foreach (var depth in new[] { 50, 200 })
            {
                var top = BuildChain(Path.Combine(root, $"depth-{depth}"), depth);
                var resolver = new ImageChainResolver();
                var chain = resolver.Resolve(top);
                if (!chain.IsHealthy || chain.Elements.Count != depth)
                {
                    Console.Error.WriteLine($"the depth-{depth} chain did not resolve cleanly");
                    return 1;
                }

                var ours = Median(runs, () => Time(() => resolver.Resolve(top)));
                var qemu = Median(runs, () => Run("info", "--backing-chain", "--output=json", top));
                var net = Math.Max(qemu - startup, 0.001);
                Console.WriteLine($"{depth,6} {ours,14:F3} {qemu,12:F2} {qemu / ours,7:F0}x {net,23:F2} {net / ours,7:F0}x");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string BuildChain(string folder, int depth)
    {
        Directory.CreateDirectory(folder);
        string Name(int i) => Path.Combine(folder, $"layer-{i:000}.qcow2");
        Run("create", "-q", "-f", "qcow2", Name(0), "64M");
        for (var i = 1; i < depth; i++)
        {
            Run("create", "-q", "-f", "qcow2", "-u", "-b", Path.GetFileName(Name(i - 1)), "-F", "qcow2", Name(i), "64M");
        }

        return Name(depth - 1);
    }

    /// <summary>Runs qemu-img and returns the wall time in milliseconds; fails loudly when qemu-img fails.</summary>
    private static double Run(params string[] args)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("qemu-img could not be started (install qemu-utils)");
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)}: {error}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The median of runs measurements, after one warm-up run.</summary>
    private static double Median(int runs, Func<double> measure)
    {
        measure();
        var values = Enumerable.Range(0, runs).Select(_ => measure()).Order().ToList();
        return runs % 2 == 1 ? values[runs / 2] : (values[runs / 2 - 1] + values[runs / 2]) / 2;
    }
}
