using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Bench.Inventory;

/// <summary>
/// Defines N domains on test+unix:///default through the daemon, then times, in the same run, a full inventory with
/// every domain's XML parsed (this driver's bulk inventory and its per-domain path, python3-libvirt, virsh) and N
/// lookups by name (this driver, python3-libvirt), printing each against python; then the same inventory with a few
/// domains defined on qemu:///system (defining is slow there: libvirtd probes QEMU for each). The bench's own
/// connection stays open throughout, so every peer sees the same shared test:///default state; it removes every domain
/// it defined, also when a run fails or is interrupted (Ctrl+C, SIGTERM). Names carry a random part, so runs never
/// collide.
/// </summary>
public static class Program
{
    private const string TestUri = "test+unix:///default";
    private const string QemuUri = "qemu:///system";
    private const int Window = 64;
    private const int Repetitions = 11;

    /// <summary>
    /// Rounds of each in-process peer before measuring: enough for the runtime's tiered JIT to finish recompiling the
    /// hot paths, so that steady state is measured (python3-libvirt's C client and virsh need no such warm-up).
    /// </summary>
    private const int WarmupRounds = 25;

    /// <summary>Cancelled by Ctrl+C or SIGTERM: every measurement stops, and the clean-up runs.</summary>
    private static readonly CancellationTokenSource Stopping = new();

    /// <summary>The host of the phase being measured.</summary>
    private static string Uri = TestUri;

    /// <summary>Arguments: test domain count (1000), python (/usr/bin/python3), qemu:///system domain count (5; 0 skips).</summary>
    public static async Task<int> Main(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var python = args.Length > 1 ? args[1] : "/usr/bin/python3";
        var qemuCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        var peer = Path.Combine(AppContext.BaseDirectory, "peer.py");

        // Ctrl+C or SIGTERM stops the measurements but still reaches the clean-up of each phase.
        var stop = Stopping;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, stop));

        await RunPhaseAsync(TestUri, count, python, peer, lookups: true, stop.Token);
        if (qemuCount > 0)
        {
            Console.WriteLine();
            await RunPhaseAsync(QemuUri, qemuCount, python, peer, lookups: false, stop.Token);
        }

        return 0;
    }

    /// <summary>
    /// Defines uniquely named domains on one host through a connection that stays open throughout (so that every
    /// peer sees the same shared test:///default state), measures, and removes every domain it defined, also when a
    /// run fails or is interrupted.
    /// </summary>
    private static async Task RunPhaseAsync(string uri, int count, string python, string peer, bool lookups, CancellationToken stop)
    {
        Uri = uri;
        var prefix = "libvirtps-bench-" + Guid.NewGuid().ToString("N")[..8];
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:0000}").ToArray();
        var keeper = await OpenAsync();
        try
        {
            var define = Stopwatch.StartNew();
            await ForEachWindowedAsync(names, name => keeper.DefineDomainAsync(Xml(name), stop));
            Console.WriteLine($"{uri}: defined {count} domains in {define.Elapsed.TotalSeconds:0.00} s");
            await MeasureInventoryAsync(python, peer, stop);
            if (lookups)
            {
                await MeasureLookupsAsync(python, peer, names, stop);
            }
        }
        finally
        {
            keeper = await RemoveAsync(keeper, names);
            await keeper.DisposeAsync();
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }

    /// <summary>
    /// Warm-up of every peer, so that no measurement pays one-time costs; then each measurement is repeated,
    /// interleaved so that load from elsewhere on the machine falls on every peer alike, and the median taken.
    /// Every peer parses every domain's XML.
    /// </summary>
    private static async Task MeasureInventoryAsync(string python, string peer, CancellationToken stop)
    {
        var first = await TimeAsync(OursBulkInventoryAsync);
        for (var i = 0; i < WarmupRounds; i++)
        {
            stop.ThrowIfCancellationRequested();
            await OursBulkInventoryAsync();
            await OursInventoryAsync();
            await OursXmlOnlyAsync();
        }

        RunPython(python, peer, "inventory", null);
        var bulk = new List<double>();
        var perDomain = new List<double>();
        var xmlOnly = new List<double>();
        var py = new List<double>();
        var pyWall = new List<double>();
        var items = 0;
        for (var i = 0; i < Repetitions; i++)
        {
            stop.ThrowIfCancellationRequested();
            var run = await TimeAsync(OursBulkInventoryAsync);
            items = run.Items;
            bulk.Add(run.Seconds);
            perDomain.Add((await TimeAsync(OursInventoryAsync)).Seconds);
            xmlOnly.Add((await TimeAsync(OursXmlOnlyAsync)).Seconds);
            var (pyItems, inner, wall) = RunPython(python, peer, "inventory", null);
            Check(items, pyItems, "python inventory");
            py.Add(inner);
            pyWall.Add(wall);
        }

        stop.ThrowIfCancellationRequested();
        var (virshItems, virshWall) = VirshInventory();
        Check(items, virshItems, "virsh inventory");
        var baseline = Median(py);
        Console.WriteLine();
        Console.WriteLine($"Full inventory of {Uri} with every domain's XML parsed, {items} domains (median of {Repetitions} after {WarmupRounds} warm-up rounds; virsh once):");
        Report("LibVirtPS inventory: DomainInfo + parsed XML of each", Median(bulk), baseline);
        Report("  the same, first call in this process (JIT still compiling)", first.Seconds, baseline);
        Report("LibVirtPS remote driver: ListDomains, then XML of each (parsed)", Median(perDomain), baseline);
        Report("LibVirtPS RPC client: python's calls (list + XML), parsed", Median(xmlOnly), baseline);
        Report($"python3-libvirt listAllDomains + XMLDesc + ElementTree (process {Median(pyWall):0.000} s)", baseline, baseline);
        Report("virsh list --all + virsh dumpxml each (processes, not parsed)", virshWall, baseline);
    }

    private static async Task MeasureLookupsAsync(string python, string peer, string[] names, CancellationToken stop)
    {
        var sequential = new List<double>();
        var pipelined = new List<double>();
        var pyLookups = new List<double>();
        var rawLookups = new List<double>();
        for (var i = 0; i < WarmupRounds / 5; i++)
        {
            await OursRawLookupsAsync(names);
            await OursLookupsAsync(names, 1);
            await OursLookupsAsync(names, Window);
        }

        for (var i = 0; i < Repetitions; i++)
        {
            stop.ThrowIfCancellationRequested();
            rawLookups.Add((await TimeAsync(() => OursRawLookupsAsync(names))).Seconds);
            sequential.Add((await TimeAsync(() => OursLookupsAsync(names, 1))).Seconds);
            pipelined.Add((await TimeAsync(() => OursLookupsAsync(names, Window))).Seconds);
            pyLookups.Add(RunPython(python, peer, "lookups", names).Inner);
        }

        var baseline = Median(pyLookups);
        Console.WriteLine();
        Console.WriteLine($"{names.Length} lookups by name (median of {Repetitions} after {WarmupRounds / 5} warm-up rounds):");
        Report("LibVirtPS RPC client: one DOMAIN_LOOKUP_BY_NAME after another (python's call)", Median(rawLookups), baseline);
        Report("python3-libvirt lookupByName one after another", baseline, baseline);
        Report("LibVirtPS LookupDomain one after another (lookup, then info + autostart)", Median(sequential), baseline);
        Report($"LibVirtPS LookupDomain, {Window} at once (at most {new RpcClientOptions().MaxCallsInFlight} calls on the wire)", Median(pipelined), baseline);
    }

    private static void Check(int ours, int theirs, string what)
    {
        if (ours != theirs)
        {
            throw new InvalidOperationException($"{what} saw {theirs} domains, ours {ours}");
        }
    }

    /// <summary>Undefines the named domains; a lost connection is reopened once. Returns the connection in use.</summary>
    private static async Task<RemoteDriver> RemoveAsync(RemoteDriver keeper, IReadOnlyList<string> names)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ForEachWindowedAsync(names, async name =>
                {
                    try
                    {
                        await keeper.UndefineDomainAsync(DomainRef.ByName(name), CancellationToken.None);
                    }
                    catch (LibVirtException ex) when (ex.Code == ErrorCode.NoDomain)
                    {
                        // Never defined (the run failed early), or already removed.
                    }
                });
                return keeper;
            }
            catch (ConnectionException) when (attempt == 0)
            {
                await keeper.DisposeAsync();
                keeper = await OpenAsync();
            }
        }
    }

    private static async Task<RemoteDriver> OpenAsync() =>
        await RemoteDriver.OpenAsync(LibvirtUri.Parse(Uri), new ConnectOptions(), CancellationToken.None);

    private static string Xml(string name) => Uri == QemuUri
        ? $"<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
        : $"<domain type='test'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";

    /// <summary>A fresh connection and the driver's bulk inventory: facts and parsed XML of every domain.</summary>
    private static async Task<int> OursBulkInventoryAsync()
    {
        await using var driver = await OpenAsync();
        var items = 0;
        await foreach (var item in driver.ListDomainsWithXmlAsync(DomainXmlFlags.None, null, Stopping.Token))
        {
            items += item.Definition is not null ? 1 : 0;
        }

        return items;
    }

    /// <summary>A fresh connection, the pipelined listing, and every domain's XML with up to 64 calls in flight.</summary>
    private static async Task<int> OursInventoryAsync()
    {
        await using var driver = await OpenAsync();
        var domains = new List<DomainRef>();
        await foreach (var info in driver.ListDomainsAsync(null, Stopping.Token))
        {
            domains.Add(DomainRef.Of(info));
        }

        var parsed = new DomainDefinition[domains.Count];
        await ForEachWindowedAsync(Enumerable.Range(0, domains.Count).ToArray(), async i =>
            parsed[i] = DomainXml.Parse(await driver.GetDomainXmlAsync(domains[i], DomainXmlFlags.None, Stopping.Token)));
        return parsed.Length;
    }

    /// <summary>Exactly python's calls (CONNECT_LIST_ALL_DOMAINS, then DOMAIN_GET_XML_DESC each), pipelined.</summary>
    private static async Task<int> OursXmlOnlyAsync()
    {
        await using var driver = await OpenAsync();
        var list = await driver.Client.CallAsync(RemoteProcedures.ConnectListAllDomains, new ListAllDomainsArgs(1, 0), Stopping.Token);
        var parsed = new DomainDefinition[list.Domains.Count];
        await ForEachWindowedAsync(Enumerable.Range(0, parsed.Length).ToArray(), async i => parsed[i] = DomainXml.Parse(
            await driver.Client.CallAsync(RemoteProcedures.DomainGetXmlDesc, new DomainFlagsArgs(list.Domains[i], 0), Stopping.Token)));
        return parsed.Length;
    }

    private static async Task<int> OursRawLookupsAsync(string[] names)
    {
        await using var driver = await OpenAsync();
        var found = 0;
        foreach (var name in names)
        {
            var handle = await driver.Client.CallAsync(RemoteProcedures.DomainLookupByName, name, Stopping.Token);
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
            await driver.LookupDomainAsync(DomainRef.ByName(name), Stopping.Token);
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

    /// <summary>One line: the time, its share of python's time, and python's time over it (the speed-up).</summary>
    private static void Report(string label, double seconds, double python) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-86} {seconds,8:0.000} s   x{seconds / python,6:0.00} of python   python/this {python / seconds,6:0.00}"));
}
