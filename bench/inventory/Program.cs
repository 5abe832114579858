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

            // Warm-up of every peer, so the first measurement pays no one-time costs.
            await OursInventoryAsync();
            RunPython(python, peer, "inventory", null);

            var ours = await TimeAsync(OursInventoryAsync);
            var oursXmlOnly = await TimeAsync(OursXmlOnlyAsync);
            var (pyItems, pyInner, pyWall) = RunPython(python, peer, "inventory", null);
            var (virshItems, virshWall) = VirshInventory();
            Console.WriteLine();
            Console.WriteLine($"Full inventory with XML ({ours.Items} domains):");
            Report("LibVirtPS remote driver (in-process)", ours.Seconds, ours.Seconds);
            Report("LibVirtPS RPC client, same calls as python (list + XML)", oursXmlOnly.Seconds, ours.Seconds);
            Report($"python3-libvirt ({pyItems}; process {pyWall:0.000} s)", pyInner, ours.Seconds);
            Report($"virsh list --all + dumpxml each ({virshItems})", virshWall, ours.Seconds);

            var lookupsSequential = await TimeAsync(() => OursLookupsAsync(names, 1));
            var lookupsPipelined = await TimeAsync(() => OursLookupsAsync(names, Window));
            var (pyLookups, pyLookupInner, pyLookupWall) = RunPython(python, peer, "lookups", names);
            Console.WriteLine();
            Console.WriteLine($"{count} lookups by name:");
            Report("LibVirtPS, one after another (lookup + info + autostart)", lookupsSequential.Seconds, lookupsSequential.Seconds);
            Report($"LibVirtPS, {Window} in flight", lookupsPipelined.Seconds, lookupsSequential.Seconds);
            Report($"python3-libvirt lookupByName ({pyLookups}; process {pyLookupWall:0.000} s)", pyLookupInner, lookupsSequential.Seconds);
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

    private static void Report(string label, double seconds, double baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-72} {seconds,8:0.000} s   x{seconds / baseline,6:0.00} vs first line"));
}
