using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Services;

/// <summary>A domain's disks and their backing chains.</summary>
public static class DiskService
{
    public static async Task<IReadOnlyList<VirtDisk>> GetDisksAsync(VirtDomain domain, bool inactive, CancellationToken cancellationToken)
    {
        var xml = await DomainService.GetXmlAsync(domain, inactive, secure: false, cancellationToken).ConfigureAwait(false);
        var definition = DomainXml.Parse(xml);
        return definition.Disks.Select(d => ToVirtDisk(domain, d)).ToList();
    }

    /// <summary>The disks of an inventory entry, from the XML it already carries: no further call.</summary>
    public static IReadOnlyList<VirtDisk> GetDisks(DomainWithXml entry) =>
        entry.Parse().Disks.Select(d => ToVirtDisk(entry.Domain, d)).ToList();

    public static VirtDisk ToVirtDisk(VirtDomain domain, DiskDefinition disk) => new(
        domain.Host, domain.Name, domain.Uuid, disk.Target!, disk.Device, disk.Bus, disk.Source.Type,
        disk.Source.Format, disk.Source.DisplayPath, disk.ReadOnly, disk);

    public static IReadOnlyList<BackingChainElement> GetBackingChain(VirtDisk disk, BackingChainResolver resolver) =>
        resolver.Resolve(disk.Definition.Source, new ChainContext(disk.Host, disk.DomainName, disk.Target));
}
