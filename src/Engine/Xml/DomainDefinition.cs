using System.Xml.Linq;

namespace LibVirtPS.Engine.Xml;

/// <summary>A parsed domain definition: the parts the project models, plus the document it came from.</summary>
public sealed record DomainDefinition
{
    /// <summary>The hypervisor type attribute: kvm, qemu, test, lxc, xen, ...</summary>
    public required string Type { get; init; }
    public required string Name { get; init; }

    /// <summary>Null when the XML names no UUID; the host assigns one on define.</summary>
    public Guid? Uuid { get; init; }

    public long MaxMemoryBytes { get; init; }
    public long MemoryBytes { get; init; }
    public int VirtualCpus { get; init; } = 1;
    public IReadOnlyList<DiskDefinition> Disks { get; init; } = Array.Empty<DiskDefinition>();

    /// <summary>The domain element as read.</summary>
    public required XElement Element { get; init; }
}
