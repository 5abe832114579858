using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>
/// One domain of a test host. Mutable, and only touched under its host's lock. Like libvirt, an active domain has
/// a live definition and, when it was redefined while running, a persistent one that takes over when it stops.
/// </summary>
internal sealed class TestDomain
{
    public TestDomain(DomainDefinition definition, bool persistent)
    {
        Uuid = definition.Uuid ?? throw new ArgumentException("A stored definition always has a UUID", nameof(definition));
        Definition = definition;
        Persistent = persistent;
    }

    public Guid Uuid { get; }

    public string Name => Definition.Name;

    /// <summary>The live definition while active; the one and only definition while inactive.</summary>
    public DomainDefinition Definition { get; set; }

    /// <summary>A persistent definition defined while the domain runs; it replaces the live one when it stops.</summary>
    public DomainDefinition? NextDefinition { get; set; }

    public DomainState State { get; set; } = DomainState.ShutOff;

    public int? Id { get; set; }

    public bool Persistent { get; set; }

    public bool Autostart { get; set; }

    public bool IsActive => State != DomainState.ShutOff;

    /// <summary>What the domain boots from next time: the pending definition, or the current one.</summary>
    public DomainDefinition PersistentDefinition => NextDefinition ?? Definition;

    public DomainInfo ToInfo() => new(
        Name, Uuid, Id, State, Definition.MemoryBytes, Definition.MaxMemoryBytes, Definition.VirtualCpus, Persistent, Autostart);
}
