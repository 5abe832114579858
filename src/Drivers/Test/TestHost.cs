using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>
/// The in-memory state of one test host, shared by every connection to the same URI path. One lock guards it all:
/// operations are tiny, so a single lock keeps the state machine simple and consistent.
/// </summary>
internal sealed class TestHost
{
    private readonly object _sync = new();
    private readonly List<TestDomain> _domains = new();
    private readonly Dictionary<string, TestNetwork> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TestPool> _pools = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public TestHost(string key, NodeDescription description)
    {
        Key = key;
        Node = description.Node;
        foreach (var loaded in description.Domains)
        {
            var domain = new TestDomain(loaded.Definition, loaded.Persistent);
            if (loaded.State != DomainState.ShutOff)
            {
                domain.State = loaded.State;
                domain.Id = _nextId++;
            }

            _domains.Add(domain);
        }

        foreach (var network in description.Networks)
        {
            _networks.Add(network.Name, network);
        }

        foreach (var pool in description.Pools)
        {
            _pools.Add(pool.Name, pool);
        }
    }

    /// <summary>The URI path this host was loaded for ("/default" or the full path of the node file).</summary>
    public string Key { get; }

    public NodeInfo Node { get; }

    public IReadOnlyList<TestNetwork> Networks
    {
        get
        {
            lock (_sync)
            {
                return _networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
            }
        }
    }

    public IReadOnlyList<TestPool> Pools
    {
        get
        {
            lock (_sync)
            {
                return _pools.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            }
        }
    }

    public TestNetwork? FindNetwork(string name)
    {
        lock (_sync)
        {
            return _networks.GetValueOrDefault(name);
        }
    }

    public TestPool? FindPool(string name)
    {
        lock (_sync)
        {
            return _pools.GetValueOrDefault(name);
        }
    }

    /// <summary>Active domains by id, then inactive ones by name (the order virsh list --all shows).</summary>
    public IReadOnlyList<DomainInfo> ListDomains()
    {
        lock (_sync)
        {
            var active = _domains.Where(d => d.IsActive).OrderBy(d => d.Id);
            var inactive = _domains.Where(d => !d.IsActive).OrderBy(d => d.Name, StringComparer.Ordinal);
            return active.Concat(inactive).Select(d => d.ToInfo()).ToList();
        }
    }

    public DomainInfo Lookup(DomainRef target)
    {
        lock (_sync)
        {
            return Find(target).ToInfo();
        }
    }

    /// <summary>
    /// The live definition (with the id on the root) while active, or with the Inactive flag the persistent one.
    /// </summary>
    public string GetXml(DomainRef target, DomainXmlFlags flags)
    {
        lock (_sync)
        {
            var domain = Find(target);
            var secure = flags.HasFlag(DomainXmlFlags.Secure);
            return flags.HasFlag(DomainXmlFlags.Inactive) || !domain.IsActive
                ? DomainXmlText.Format(domain.PersistentDefinition, id: null, secure)
                : DomainXmlText.Format(domain.Definition, domain.Id, secure);
        }
    }

    public DomainInfo Define(DomainDefinition definition)
    {
        lock (_sync)
        {
            var byName = _domains.Find(d => d.Name == definition.Name);
            var byUuid = definition.Uuid is Guid wanted ? _domains.Find(d => d.Uuid == wanted) : null;
            if (byUuid is not null && byUuid != byName)
            {
                throw TestErrors.UuidTakenByOtherName(byUuid.Name, byUuid.Uuid, definition.Name);
            }

            if (byName is null)
            {
                var created = new TestDomain(DomainXmlText.WithUuid(definition, definition.Uuid ?? NewUuid()), persistent: true);
                _domains.Add(created);
                return created.ToInfo();
            }

            // A definition without a UUID would get a fresh one, which cannot match the existing domain's.
            if (definition.Uuid != byName.Uuid)
            {
                throw TestErrors.NameTakenByOtherUuid(byName.Name, byName.Uuid, definition.Uuid);
            }

            if (byName.IsActive)
            {
                byName.NextDefinition = definition;
            }
            else
            {
                byName.Definition = definition;
            }

            byName.Persistent = true;
            return byName.ToInfo();
        }
    }

    /// <summary>Removes an inactive domain; an active one loses its persistent definition and keeps running.</summary>
    public void Undefine(DomainRef target)
    {
        lock (_sync)
        {
            var domain = Find(target);
            if (!domain.Persistent)
            {
                throw TestErrors.TransientCannotUndefine(domain.Name);
            }

            if (domain.IsActive)
            {
                domain.Persistent = false;
                domain.NextDefinition = null;
            }
            else
            {
                _domains.Remove(domain);
            }
        }
    }

    public void Start(DomainRef target)
    {
        lock (_sync)
        {
            var domain = Find(target);
            if (domain.IsActive)
            {
                throw TestErrors.AlreadyRunning(domain.Name);
            }

            domain.State = DomainState.Running;
            domain.Id = _nextId++;
        }
    }

    /// <summary>The test guest reacts at once, so a shutdown completes before the call returns.</summary>
    public void Shutdown(DomainRef target)
    {
        lock (_sync)
        {
            var domain = FindActive(target);
            if (domain.State == DomainState.Paused)
            {
                throw TestErrors.PausedCannotShutdown(domain.Name);
            }

            Stop(domain);
        }
    }

    public void Destroy(DomainRef target)
    {
        lock (_sync)
        {
            Stop(FindActive(target));
        }
    }

    /// <summary>A reboot keeps the domain and its id; a paused guest comes back running.</summary>
    public void Reboot(DomainRef target)
    {
        lock (_sync)
        {
            FindActive(target).State = DomainState.Running;
        }
    }

    public void Suspend(DomainRef target)
    {
        lock (_sync)
        {
            var domain = FindActive(target);
            if (domain.State == DomainState.Paused)
            {
                throw TestErrors.AlreadyPaused(domain.Name);
            }

            domain.State = DomainState.Paused;
        }
    }

    public void Resume(DomainRef target)
    {
        lock (_sync)
        {
            var domain = FindActive(target);
            if (domain.State != DomainState.Paused)
            {
                throw TestErrors.NotPaused(domain.Name);
            }

            domain.State = DomainState.Running;
        }
    }

    private void Stop(TestDomain domain)
    {
        domain.State = DomainState.ShutOff;
        domain.Id = null;
        if (!domain.Persistent)
        {
            _domains.Remove(domain);
        }
        else if (domain.NextDefinition is { } next)
        {
            domain.Definition = next;
            domain.NextDefinition = null;
        }
    }

    private TestDomain FindActive(DomainRef target)
    {
        var domain = Find(target);
        return domain.IsActive ? domain : throw TestErrors.NotRunning(domain.Name);
    }

    /// <summary>By UUID when the reference has one (it is stable across renames), else by name.</summary>
    private TestDomain Find(DomainRef target)
    {
        if (target.Uuid is Guid uuid)
        {
            return _domains.Find(d => d.Uuid == uuid) ?? throw TestErrors.NoDomainWithUuid(uuid);
        }

        if (target.Name is string name)
        {
            return _domains.Find(d => d.Name == name) ?? throw TestErrors.NoDomainWithName(name);
        }

        throw TestErrors.NoDomainReference();
    }

    private Guid NewUuid()
    {
        var uuid = Guid.NewGuid();
        while (_domains.Exists(d => d.Uuid == uuid))
        {
            uuid = Guid.NewGuid();
        }

        return uuid;
    }
}
