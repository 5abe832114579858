using System.Diagnostics;
using System.Globalization;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Bench.Inventory;

/// <summary>
/// Defines N domains on test+unix:///default through the daemon, then times, in the same run, a full inventory with
/// every domain's XML (this driver, python3-libvirt, virsh) and N lookups by name (this driver, python3-libvirt).
/// The bench's own connection stays open throughout, so every peer sees the same shared test:///default state.
/// </summary>
public static class Program
{
    private const string Uri = "test+unix:///default";
    private const int Window = 64;
    private const int Repetitions = 5;

    public static async Task<int> Main(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var python = args.Length > 1 ? args[1] : "/usr/bin/python3";
        var peer = Path.Combine(AppContext.BaseDirectory, "peer.py");
        var prefix = "libvirtps-bench-" + Guid.NewGuid().ToString("N")[..8];
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:0000}").ToArray();

        await using var keeper = await OpenAsync();
        try
        {
            var define = Stopwatch.StartNew();
            await ForEachWindowedAsync(names, name => keeper.DefineDomainAsync(Xml(name), CancellationToken.None));
            Console.WriteLine($"defined {count} domains in {define.Elapsed.TotalSeconds:0.00} s");

            // Warm-up of every peer, so that no measurement pays one-time costs; then each measurement is repeated,
            // interleaved so that load from elsewhere on the machine falls on every peer alike, and the median taken.
            await OursInventoryAsync();
            RunPython(python, peer, "inventory", null);
            var ours = new List<double>();
            var oursXmlOnly = new List<double>();
            var py = new List<double>();
            var pyWall = new List<double>();
            var items = 0;
            for (var i = 0; i < Repetitions; i++)
            {
                var run = await TimeAsync(OursInventoryAsync);
                items = run.Items;
                ours.Add(run.Seconds);
                oursXmlOnly.Add((await TimeAsync(OursXmlOnlyAsync)).Seconds);
                var (_, inner, wall) = RunPython(python, peer, "inventory", null);
                py.Add(inner);
                pyWall.Add(wall);
            }

            var (virshItems, virshWall) = VirshInventory();
            Console.WriteLine();
            Console.WriteLine($"Full inventory with every domain's XML, {items} domains (median of {Repetitions}; virsh once):");
            Report("LibVirtPS remote driver: DomainInfo + XML of each", Median(ours), Median(ours));
            Report("LibVirtPS RPC client: python's calls (list + XML)", Median(oursXmlOnly), Median(ours));
            Report($"python3-libvirt listAllDomains + XMLDesc (process {Median(pyWall):0.000} s)", Median(py), Median(ours));
            Report("virsh list --all + virsh dumpxml each", virshWall, Median(ours));

            var sequential = new List<double>();
            var pipelined = new List<double>();
            var pyLookups = new List<double>();
            var rawLookups = new List<double>();
            for (var i = 0; i < Repetitions; i++)
            {
                rawLookups.Add((await TimeAsync(() => OursRawLookupsAsync(names))).Seconds);
                sequential.Add((await TimeAsync(() => OursLookupsAsync(names, 1))).Seconds);
                pipelined.Add((await TimeAsync(() => OursLookupsAsync(names, Window))).Seconds);
                pyLookups.Add(RunPython(python, peer, "lookups", names).Inner);
            }

            Console.WriteLine();
            Console.WriteLine($"{count} lookups by name (median of {Repetitions}):");
            Report("LibVirtPS LookupDomain one after another (lookup, then info + autostart)", Median(sequential), Median(sequential));
            Report($"LibVirtPS LookupDomain, {Window} at once (at most 5 calls on the wire)", Median(pipelined), Median(sequential));
            Report("LibVirtPS RPC client: python's call (DOMAIN_LOOKUP_BY_NAME) one after another", Median(rawLookups), Median(sequential));
            Report("python3-libvirt lookupByName one after another", Median(pyLookups), Median(sequential));
            return 0;
        }
        finally
        {
            await ForEachWindowedAsync(names, async name =>
            {
                try
                {
                    await keeper.UndefineDomainAsync(DomainRef.ByName(name), CancellationToken.None);
                }
                catch (LibVirtException ex) when (ex.Code == ErrorCode.NoDomain)
                {
                    // Never defined (the run failed early).
                }
            });
        }
    }

    private static async Task<RemoteDriver> OpenAsync() =>
        await RemoteDriver.OpenAsync(LibvirtUri.Parse(Uri), new ConnectOptions(), CancellationToken.None);

    private static string Xml(string name) =>
        $"<domain type='test'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";

    /// <summary>A fresh connection, the pipelined listing, and every domain's XML with up to 64 calls in flight.</summary>
    private static async Task<int> OursInventoryAsync()
    {
        await using var driver = await OpenAsync();
        var domains = new List<DomainRef>();
        await foreach (var info in driver.ListDomainsAsync(CancellationToken.None))
        {
            domains.Add(DomainRef.Of(info));
        }

        var xml = new string[domains.Count];
        await ForEachWindowedAsync(Enumerable.Range(0, domains.Count).ToArray(), async i =>
            xml[i] = await driver.GetDomainXmlAsync(domains[i], DomainXmlFlags.None, CancellationToken.None));
        return xml.Count(x => x.Length > 0);
    }

    /// <summary>Exactly python's calls (CONNECT_LIST_ALL_DOMAINS, then DOMAIN_GET_XML_DESC each), pipelined.</summary>
    private static async Task<int> OursXmlOnlyAsync()
    {
        await using var driver = await OpenAsync();
        var list = await driver.Client.CallAsync(RemoteProcedures.ConnectListAllDomains, new ListAllDomainsArgs(1, 0), CancellationToken.None);
        var xml = new string[list.Domains.Count];
        await ForEachWindowedAsync(Enumerable.Range(0, xml.Length).ToArray(), async i =>
            xml[i] = await driver.Client.CallAsync(RemoteProcedures.DomainGetXmlDesc, new DomainFlagsArgs(list.Domains[i], 0), CancellationToken.None));
        return xml.Count(x => x.Length > 0);
    }

    private static async Task<int> OursRawLookupsAsync(string[] names)
    {
        await using var driver = await OpenAsync();
        var found = 0;
        foreach (var name in names)
        {
            var handle = await driver.Client.CallAsync(RemoteProcedures.DomainLookupByName, name, CancellationToken.None);
            found += handle.Uuid != Guid.Empty ? 1 : 0;
        }

        return found;
    }

    private static async Task<int> OursLookupsAsync(string[] names, int window)
    {
        await using var driver = await OpenAsync();
        var found = 0;
        await ForEachWindowedAsync(names, async name =>
        {
            await driver.LookupDomainAsync(DomainRef.ByName(name), CancellationToken.None);
            Interlocked.Increment(ref found);
        }, window);
        return found;
    }

    private static async Task ForEachWindowedAsync<T>(IReadOnlyList<T> items, Func<T, Task> action, int window = Window)
    {
        using var gate = new SemaphoreSlim(window);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await action(item);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

    private static async Task<(int Items, double Seconds)> TimeAsync(Func<Task<int>> run)
    {
        var watch = Stopwatch.StartNew();
        var items = await run();
        return (items, watch.Elapsed.TotalSeconds);
    }

    private static (int Items, double Inner, double Wall) RunPython(string python, string script, string mode, string[]? stdin)
    {
        var watch = Stopwatch.StartNew();
        var (output, _) = Run(python, [script, mode, Uri], stdin is null ? null : string.Join('\n', stdin));
        var parts = output.Trim().Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), watch.Elapsed.TotalSeconds);
    }

    private static (int Items, double Seconds) VirshInventory()
    {
        var watch = Stopwatch.StartNew();
        var (list, _) = Run("virsh", ["-q", "-c", Uri, "list", "--all", "--name"], null);
        var items = 0;
        foreach (var name in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (xml, _) = Run("virsh", ["-q", "-c", Uri, "dumpxml", name], null);
            items += xml.Length > 0 ? 1 : 0;
        }

        return (items, watch.Elapsed.TotalSeconds);
    }

    private static (string Output, int Exit) Run(string file, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardInput = stdin is not null };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? (output, 0) : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Report(string label, double seconds, double baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-84} {seconds,8:0.000} s   x{seconds / baseline,6:0.00} of the first line"));
}
