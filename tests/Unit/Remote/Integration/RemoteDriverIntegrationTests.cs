using System.Runtime.Versioning;
using LibVirtPS.Drivers.Remote;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Transports;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Remote.Integration;

/// <summary>Runs the real-daemon tests alone, after the others: starting QEMU loads the machine's few cores.</summary>
[CollectionDefinition(nameof(RealDaemon), DisableParallelization = true)]
public sealed class RealDaemon;

/// <summary>The remote driver against the machine's real libvirtd, through its UNIX socket.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(RealDaemon))]
[SupportedOSPlatform("linux")]
public class RemoteDriverIntegrationTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    private static async Task<RemoteDriver> OpenAsync(string uri) =>
        await RemoteDriver.OpenAsync(LibvirtUri.Parse(uri), new ConnectOptions(), CancellationToken.None).WaitAsync(Bounded);

    [LibvirtdFact]
    public async Task TestDriverThroughTheDaemon()
    {
        await using var driver = await OpenAsync("test+unix:///default");
        Assert.True(driver.KeepaliveEnabled);
        var host = await driver.GetHostInfoAsync(CancellationToken.None);
        Assert.Equal("TEST", host.HypervisorType);
        Assert.Equal(new Version(0, 0, 2), host.HypervisorVersion);
        Assert.True(host.LibvirtVersion.Major >= 9);
        Assert.Equal("i686", host.Node.CpuModel);
        Assert.Equal(16, host.Node.Cpus);

        var domains = new List<DomainInfo>();
        await foreach (var d in driver.ListDomainsAsync(null, CancellationToken.None))
        {
            domains.Add(d);
        }

        var test = Assert.Single(domains, d => d.Name == "test");
        Assert.Equal(Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f"), test.Uuid);
        Assert.Equal(DomainState.Running, test.State);

        Assert.Equal(test, await driver.LookupDomainAsync(DomainRef.ByName("test"), CancellationToken.None));
        Assert.Equal(test, await driver.LookupDomainAsync(DomainRef.ByUuid(test.Uuid), CancellationToken.None));
        Assert.Contains("<name>test</name>", await driver.GetDomainXmlAsync(DomainRef.Of(test), DomainXmlFlags.None, CancellationToken.None));
    }

    [LibvirtdFact]
    public async Task ErrorsCarryLibvirtsCodes()
    {
        await using var driver = await OpenAsync("test+unix:///default");
        var missing = await Assert.ThrowsAsync<LibVirtException>(() =>
            driver.LookupDomainAsync(DomainRef.ByName("libvirtps-missing-" + Guid.NewGuid().ToString("N")), CancellationToken.None));
        Assert.Equal(ErrorCode.NoDomain, missing.Code);
        Assert.Equal(ErrorLevel.Error, missing.Level);
        Assert.NotNull(missing.Str1);

        // libvirt's test driver reports starting a running domain as an internal error (QEMU says OperationInvalid).
        var running = await Assert.ThrowsAsync<LibVirtException>(() => driver.StartDomainAsync(DomainRef.ByName("test"), CancellationToken.None));
        Assert.Equal((ErrorCode.InternalError, ErrorDomain.Test), (running.Code, running.Domain));
        Assert.Contains("already running", running.Message);
        Assert.Equal("test", running.Target);
        Assert.True(driver.IsConnected);
    }

    [LibvirtdFact]
    public async Task ReadOnlyConnectionsUseTheReadOnlySocketAndCannotWrite()
    {
        var options = new ConnectOptions { ReadOnly = true };
        var uri = LibvirtUri.Parse("test+unix:///default");
        Assert.EndsWith("-sock-ro", RemoteTransport.Describe(uri, true, TransportEnvironment.Current).Destination);
        await using var driver = await RemoteDriver.OpenAsync(uri, options, CancellationToken.None).WaitAsync(Bounded);
        Assert.Equal("test", (await driver.LookupDomainAsync(DomainRef.ByName("test"), CancellationToken.None)).Name);

        var ex = await Assert.ThrowsAsync<LibVirtException>(() => driver.SuspendDomainAsync(DomainRef.ByName("test"), CancellationToken.None));
        Assert.Equal(ErrorCode.OperationDenied, ex.Code);
    }

    [LibvirtdFact]
    public async Task QemuDomainLifecycle()
    {
        using var scratch = new ScratchDomain();
        await using var driver = await OpenAsync("qemu:///system");
        var host = await driver.GetHostInfoAsync(CancellationToken.None);
        Assert.Equal("QEMU", host.HypervisorType);
        Assert.True(host.Node.MemoryBytes > 0);

        var target = DomainRef.ByName(scratch.Name);
        try
        {
            var defined = await driver.DefineDomainAsync(scratch.Xml, CancellationToken.None);
            Assert.Equal((scratch.Name, DomainState.ShutOff, (int?)null, true, false), (defined.Name, defined.State, defined.Id, defined.Persistent, defined.Autostart));
            Assert.Equal(64L * 1024 * 1024, defined.MaxMemoryBytes);
            var byUuid = DomainRef.ByUuid(defined.Uuid);

            await driver.StartDomainAsync(target, CancellationToken.None);
            var started = await driver.LookupDomainAsync(byUuid, CancellationToken.None);
            Assert.Equal(DomainState.Running, started.State);
            Assert.NotNull(started.Id);

            // The live XML shows the backing chain libvirt found: top.qcow2 over base.qcow2.
            var live = await driver.GetDomainXmlAsync(byUuid, DomainXmlFlags.None, CancellationToken.None);
            Assert.Contains(scratch.BaseImage, live);

            var again = await Assert.ThrowsAsync<LibVirtException>(() => driver.StartDomainAsync(byUuid, CancellationToken.None));
            Assert.Equal(ErrorCode.OperationInvalid, again.Code);

            await driver.SuspendDomainAsync(byUuid, CancellationToken.None);
            Assert.Equal(DomainState.Paused, (await driver.LookupDomainAsync(byUuid, CancellationToken.None)).State);
            await driver.ResumeDomainAsync(byUuid, CancellationToken.None);
            Assert.Equal(DomainState.Running, (await driver.LookupDomainAsync(byUuid, CancellationToken.None)).State);

            // No guest OS answers ACPI, so the graceful request is accepted and the forced stop does the work.
            await driver.ShutdownDomainAsync(byUuid, CancellationToken.None);
            await driver.DestroyDomainAsync(byUuid, CancellationToken.None);
            Assert.Equal(DomainState.ShutOff, (await driver.LookupDomainAsync(byUuid, CancellationToken.None)).State);

            await driver.UndefineDomainAsync(byUuid, CancellationToken.None);
            var gone = await Assert.ThrowsAsync<LibVirtException>(() => driver.LookupDomainAsync(target, CancellationToken.None));
            Assert.Equal(ErrorCode.NoDomain, gone.Code);
        }
        finally
        {
            await RemoveAsync(driver, target);
        }
    }

    [LibvirtdFact]
    public async Task LosingTheLinkFailsCallsWithConnectionException()
    {
        var socket = await UnixSocketTransport.ConnectAsync(LocalLibvirtd.Socket, TimeSpan.FromSeconds(10), CancellationToken.None);
        var link = new KillableStream(socket);
        await using var driver = await RemoteDriver.OpenAsync(link, LibvirtUri.Parse("test+unix:///default"), new ConnectOptions(),
            new RpcClientOptions(), CancellationToken.None);
        Assert.Equal("TEST", (await driver.GetHostInfoAsync(CancellationToken.None)).HypervisorType);

        link.Kill();
        var ex = await Assert.ThrowsAsync<ConnectionException>(() => driver.GetHostInfoAsync(CancellationToken.None)).WaitAsync(Bounded);
        Assert.True(ex.Lost);
        Assert.False(driver.IsConnected);
    }

    [LibvirtdFact]
    public async Task DefaultUriFindsTheSystemDaemon()
    {
        var service = new ConnectionService(LibVirtPS.Drivers.DriverCatalog.CreateRegistry(), _ => null);
        Assert.Equal(Environment.IsPrivilegedProcess ? "qemu:///system" : ConnectionService.EmbeddedDefaultUri, service.ResolveDefaultUri());
    }

    private static async Task RemoveAsync(RemoteDriver driver, DomainRef domain)
    {
        foreach (var cleanup in new Func<Task>[]
        {
            () => driver.DestroyDomainAsync(domain, CancellationToken.None),
            () => driver.UndefineDomainAsync(domain, CancellationToken.None),
        })
        {
            try
            {
                await cleanup();
            }
            catch (LibVirtException)
            {
                // Already stopped or already gone.
            }
        }
    }
}
