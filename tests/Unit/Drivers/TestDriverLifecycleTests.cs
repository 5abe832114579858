using System.Xml.Linq;
using LibVirtPS.Drivers.Test;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using Xunit;
using static LibVirtPS.Tests.Drivers.TestHostFixtures;

namespace LibVirtPS.Tests.Drivers;

/// <summary>The domain state machine, on a host of its own per test: alpha running, beta off, gamma paused, delta transient.</summary>
public sealed class TestDriverLifecycleTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempNode _node = new();
    private TestDriver _driver = null!;

    public Task InitializeAsync()
    {
        _driver = _node.OpenNode($"""
            <domain type='test'><name>alpha</name><memory>1048576</memory><currentMemory>524288</currentMemory><vcpu>2</vcpu></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>beta</name><memory>1048576</memory><test:runstate>5</test:runstate></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>gamma</name><memory>1048576</memory><test:runstate>3</test:runstate></domain>
            <domain type='test' xmlns:test='{TestNamespace}'><name>delta</name><memory>1048576</memory><test:transient/></domain>
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        _node.Dispose();
    }

    [Fact]
    public async Task LoadedDomainsGetIdsInFileOrderAndListActiveFirst()
    {
        var list = await _driver.ListDomainsAsync(null, None).ToListAsync();
        Assert.Equal(
            new (string, int?, DomainState, bool)[]
            {
                ("alpha", 1, DomainState.Running, true),
                ("gamma", 2, DomainState.Paused, true),
                ("delta", 3, DomainState.Running, false),
                ("beta", null, DomainState.ShutOff, true),
            },
            list.Select(d => (d.Name, d.Id, d.State, d.Persistent)));
        Assert.All(list, d => Assert.False(d.Autostart));
    }

    [Fact]
    public async Task InactiveDomainsAreListedByNameAfterActiveOnesById()
    {
        await _driver.DefineDomainAsync(MinimalDomain("aardvark"), None);
        await _driver.StartDomainAsync(Ref("beta"), None);
        await _driver.DestroyDomainAsync(Ref("alpha"), None);
        var names = (await _driver.ListDomainsAsync(null, None).ToListAsync()).Select(d => d.Name);
        Assert.Equal(new[] { "gamma", "delta", "beta", "aardvark", "alpha" }, names);
    }

    [Fact]
    public async Task DomainInfoReportsMemoryInBytesAndVcpus()
    {
        var alpha = await _driver.LookupDomainAsync(Ref("alpha"), None);
        Assert.Equal((524288L * 1024, 1048576L * 1024, 2), (alpha.MemoryBytes, alpha.MaxMemoryBytes, alpha.VirtualCpus));
    }

    [Fact]
    public async Task StartRunsAnInactiveDomainWithTheNextId()
    {
        await _driver.StartDomainAsync(Ref("beta"), None);
        var beta = await _driver.LookupDomainAsync(Ref("beta"), None);
        Assert.Equal((DomainState.Running, (int?)4), (beta.State, beta.Id));

        await _driver.DestroyDomainAsync(Ref("beta"), None);
        await _driver.StartDomainAsync(Ref("beta"), None);
        Assert.Equal(5, (await _driver.LookupDomainAsync(Ref("beta"), None)).Id);
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("gamma")]
    public async Task StartOfAnActiveDomainIsInvalid(string name)
    {
        var ex = await Expect(ErrorCode.OperationInvalid, () => _driver.StartDomainAsync(Ref(name), None));
        Assert.Contains("domain is already running", ex.Message);
        Assert.Contains($"'{name}'", ex.Message);
    }

    [Theory]
    [InlineData("shutdown")]
    [InlineData("destroy")]
    [InlineData("reboot")]
    [InlineData("suspend")]
    [InlineData("resume")]
    public async Task LifecycleCallsOnAnInactiveDomainAreInvalid(string action)
    {
        var ex = await Expect(ErrorCode.OperationInvalid, () => Invoke(action, "beta"));
        Assert.Contains("domain is not running", ex.Message);
        Assert.Contains("'beta'", ex.Message);
        Assert.Equal(DomainState.ShutOff, (await _driver.LookupDomainAsync(Ref("beta"), None)).State);
    }

    [Theory]
    [InlineData("shutdown")]
    [InlineData("destroy")]
    public async Task StoppingTakesEffectAtOnce(string action)
    {
        await Invoke(action, "alpha");
        var alpha = await _driver.LookupDomainAsync(Ref("alpha"), None);
        Assert.Equal((DomainState.ShutOff, (int?)null, true), (alpha.State, alpha.Id, alpha.Persistent));
    }

    [Theory]
    [InlineData("shutdown")]
    [InlineData("destroy")]
    public async Task ATransientDomainThatStopsDisappears(string action)
    {
        await Invoke(action, "delta");
        await Expect(ErrorCode.NoDomain, () => _driver.LookupDomainAsync(Ref("delta"), None));
    }

    [Fact]
    public async Task DestroyStopsAPausedDomain()
    {
        await _driver.DestroyDomainAsync(Ref("gamma"), None);
        Assert.Equal(DomainState.ShutOff, (await _driver.LookupDomainAsync(Ref("gamma"), None)).State);
    }

    [Fact]
    public async Task ShutdownOfAPausedDomainIsInvalid()
    {
        var ex = await Expect(ErrorCode.OperationInvalid, () => _driver.ShutdownDomainAsync(Ref("gamma"), None));
        Assert.Contains("'gamma'", ex.Message);
        Assert.Equal(DomainState.Paused, (await _driver.LookupDomainAsync(Ref("gamma"), None)).State);
    }

    [Fact]
    public async Task RebootKeepsTheDomainRunningWithTheSameId()
    {
        await _driver.RebootDomainAsync(Ref("alpha"), None);
        var alpha = await _driver.LookupDomainAsync(Ref("alpha"), None);
        Assert.Equal((DomainState.Running, (int?)1), (alpha.State, alpha.Id));

        await _driver.RebootDomainAsync(Ref("gamma"), None);
        var gamma = await _driver.LookupDomainAsync(Ref("gamma"), None);
        Assert.Equal((DomainState.Running, (int?)2), (gamma.State, gamma.Id));
    }

    [Fact]
    public async Task SuspendPausesAndResumeRunsAgainWithTheSameId()
    {
        await _driver.SuspendDomainAsync(Ref("alpha"), None);
        Assert.Equal(DomainState.Paused, (await _driver.LookupDomainAsync(Ref("alpha"), None)).State);
        await _driver.ResumeDomainAsync(Ref("alpha"), None);
        var alpha = await _driver.LookupDomainAsync(Ref("alpha"), None);
        Assert.Equal((DomainState.Running, (int?)1), (alpha.State, alpha.Id));
    }

    [Fact]
    public async Task SuspendOfAPausedDomainIsInvalid()
    {
        var ex = await Expect(ErrorCode.OperationInvalid, () => _driver.SuspendDomainAsync(Ref("gamma"), None));
        Assert.Contains("already paused", ex.Message);
        Assert.Contains("'gamma'", ex.Message);
    }

    [Fact]
    public async Task ResumeOfARunningDomainIsInvalid()
    {
        var ex = await Expect(ErrorCode.OperationInvalid, () => _driver.ResumeDomainAsync(Ref("alpha"), None));
        Assert.Contains("not paused", ex.Message);
        Assert.Contains("'alpha'", ex.Message);
    }

    [Fact]
    public async Task LookupOfAnUnknownNameNamesIt()
    {
        var ex = await Expect(ErrorCode.NoDomain, () => _driver.LookupDomainAsync(Ref("nosuch"), None));
        Assert.Equal("Domain not found: no domain with matching name 'nosuch'", ex.Message);
        Assert.Equal("nosuch", ex.Str1);
    }

    [Fact]
    public async Task LookupOfAnUnknownUuidNamesIt()
    {
        var uuid = Guid.NewGuid();
        var ex = await Expect(ErrorCode.NoDomain, () => _driver.GetDomainXmlAsync(DomainRef.ByUuid(uuid), DomainXmlFlags.None, None));
        Assert.Equal($"Domain not found: no domain with matching uuid '{uuid:D}'", ex.Message);
    }

    [Fact]
    public async Task EveryOperationOnAnUnknownDomainIsNoDomain()
    {
        var actions = new[] { "start", "shutdown", "destroy", "reboot", "suspend", "resume", "undefine" };
        foreach (var action in actions)
        {
            await Expect(ErrorCode.NoDomain, () => Invoke(action, "nosuch"));
        }
    }

    [Fact]
    public async Task LookupByUuidFindsTheDomain()
    {
        var alpha = await _driver.LookupDomainAsync(Ref("alpha"), None);
        Assert.Equal(alpha, await _driver.LookupDomainAsync(DomainRef.ByUuid(alpha.Uuid), None));
        Assert.Equal(alpha, await _driver.LookupDomainAsync(DomainRef.Of(alpha), None));
    }

    [Fact]
    public async Task ActiveXmlCarriesTheIdAndInactiveXmlDoesNot()
    {
        var live = XElement.Parse(await _driver.GetDomainXmlAsync(Ref("gamma"), DomainXmlFlags.None, None));
        Assert.Equal("2", live.Attribute("id")?.Value);
        var inactive = XElement.Parse(await _driver.GetDomainXmlAsync(Ref("gamma"), DomainXmlFlags.Inactive, None));
        Assert.Null(inactive.Attribute("id"));
        var off = XElement.Parse(await _driver.GetDomainXmlAsync(Ref("beta"), DomainXmlFlags.None, None));
        Assert.Null(off.Attribute("id"));

        await _driver.StartDomainAsync(Ref("beta"), None);
        var started = XElement.Parse(await _driver.GetDomainXmlAsync(Ref("beta"), DomainXmlFlags.None, None));
        Assert.Equal("4", started.Attribute("id")?.Value);
    }

    [Fact]
    public async Task TransientDomainXmlWithTheInactiveFlagIsItsLiveDefinitionWithoutId()
    {
        var xml = XElement.Parse(await _driver.GetDomainXmlAsync(Ref("delta"), DomainXmlFlags.Inactive, None));
        Assert.Equal("delta", xml.Element("name")?.Value);
        Assert.Null(xml.Attribute("id"));
    }

    private static DomainRef Ref(string name) => DomainRef.ByName(name);

    private Task Invoke(string action, string name) => action switch
    {
        "start" => _driver.StartDomainAsync(Ref(name), None),
        "shutdown" => _driver.ShutdownDomainAsync(Ref(name), None),
        "destroy" => _driver.DestroyDomainAsync(Ref(name), None),
        "reboot" => _driver.RebootDomainAsync(Ref(name), None),
        "suspend" => _driver.SuspendDomainAsync(Ref(name), None),
        "resume" => _driver.ResumeDomainAsync(Ref(name), None),
        "undefine" => _driver.UndefineDomainAsync(Ref(name), None),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    private static async Task<LibVirtException> Expect(ErrorCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<LibVirtException>(call);
        Assert.Equal((code, ErrorDomain.Test), (ex.Code, ex.Domain));
        return ex;
    }
}
