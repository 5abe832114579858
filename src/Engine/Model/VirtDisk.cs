using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Model;

/// <summary>One disk of a domain, as the pipeline carries it.</summary>
public sealed record VirtDisk(
    VirtHost Host,
    string DomainName,
    Guid DomainUuid,
    string Target,
    string Device,
    string? Bus,
    string Type,
    string? Format,
    string? Source,
    bool ReadOnly,
    DiskDefinition Definition)
{
    public string HostName => Host.Name;

    public override string ToString() => $"{DomainName}:{Target}";
}
