using System.Runtime.CompilerServices;
using LibVirtPS.Engine.Drivers;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Engine.Services;

/// <summary>The lifecycle operations a domain supports, as the cmdlets name them.</summary>
public enum DomainAction
{
    Start,
    Shutdown,
    Destroy,
    Reboot,
    Suspend,
    Resume,
    Undefine,
}

/// <summary>Domain operations on one host: listing, lookup, definition and lifecycle.</summary>
public static class DomainService
{
    public static IAsyncEnumerable<VirtDomain> ListAsync(VirtHost host, CancellationToken cancellationToken) =>
        ListAsync(host, null, cancellationToken);

    /// <summary>The domains of the host whose name <paramref name="include"/> accepts (all when null).</summary>
    public static async IAsyncEnumerable<VirtDomain> ListAsync(VirtHost host, Func<string, bool>? include,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var info in host.Driver.ListDomainsAsync(include, cancellationToken).ConfigureAwait(false))
        {
            yield return VirtDomain.From(host, info);
        }
    }

    /// <summary>Every domain of the host with its XML (the live XML, or the persistent one when inactive).</summary>
    public static IAsyncEnumerable<DomainWithXml> InventoryAsync(VirtHost host, bool inactive, CancellationToken cancellationToken) =>
        InventoryAsync(host, inactive, null, cancellationToken);

    /// <summary>
    /// The domains whose name <paramref name="include"/> accepts, each with its XML, in list order. Uses the driver's
    /// <see cref="IDomainInventory"/> when it has one; otherwise lists, then asks each selected domain's XML.
    /// </summary>
    public static async IAsyncEnumerable<DomainWithXml> InventoryAsync(VirtHost host, bool inactive, Func<string, bool>? include,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var flags = inactive ? DomainXmlFlags.Inactive : DomainXmlFlags.None;
        var items = host.Driver is IDomainInventory inventory
            ? inventory.ListDomainsWithXmlAsync(flags, include, cancellationToken)
            : ListThenXmlAsync(host.Driver, flags, include, cancellationToken);
        await foreach (var item in items.ConfigureAwait(false))
        {
            yield return new DomainWithXml(VirtDomain.From(host, item.Info), item.Xml, item.Definition);
        }
    }

    public static async Task<VirtDomain> LookupAsync(VirtHost host, DomainRef domain, CancellationToken cancellationToken) =>
        VirtDomain.From(host, await host.Driver.LookupDomainAsync(domain, cancellationToken).ConfigureAwait(false));

    public static Task<VirtDomain> RefreshAsync(VirtDomain domain, CancellationToken cancellationToken) =>
        LookupAsync(domain.Host, Ref(domain), cancellationToken);

    /// <summary>Validates the XML here first (for an error that names line and element), then defines it.</summary>
    public static async Task<VirtDomain> DefineAsync(VirtHost host, string xml, CancellationToken cancellationToken)
    {
        DomainXml.Parse(xml);
        return VirtDomain.From(host, await host.Driver.DefineDomainAsync(xml, cancellationToken).ConfigureAwait(false));
    }

    public static Task<string> GetXmlAsync(VirtDomain domain, bool inactive, bool secure, CancellationToken cancellationToken)
    {
        var flags = (inactive ? DomainXmlFlags.Inactive : DomainXmlFlags.None) | (secure ? DomainXmlFlags.Secure : DomainXmlFlags.None);
        return domain.Host.Driver.GetDomainXmlAsync(Ref(domain), flags, cancellationToken);
    }

    /// <summary>Runs one lifecycle action and returns the domain as it is afterwards (null once it is gone).</summary>
    public static async Task<VirtDomain?> InvokeAsync(VirtDomain domain, DomainAction action, CancellationToken cancellationToken)
    {
        var driver = domain.Host.Driver;
        var target = Ref(domain);
        var call = action switch
        {
            DomainAction.Start => driver.StartDomainAsync(target, cancellationToken),
            DomainAction.Shutdown => driver.ShutdownDomainAsync(target, cancellationToken),
            DomainAction.Destroy => driver.DestroyDomainAsync(target, cancellationToken),
            DomainAction.Reboot => driver.RebootDomainAsync(target, cancellationToken),
            DomainAction.Suspend => driver.SuspendDomainAsync(target, cancellationToken),
            DomainAction.Resume => driver.ResumeDomainAsync(target, cancellationToken),
            DomainAction.Undefine => driver.UndefineDomainAsync(target, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        await call.ConfigureAwait(false);
        try
        {
            return await RefreshAsync(domain, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.LibVirtException ex) when (ex.Code == Errors.ErrorCode.NoDomain)
        {
            return null;
        }
    }

    /// <summary>The fallback inventory: the plain list, then one XML call per selected domain.</summary>
    private static async IAsyncEnumerable<DomainInventoryItem> ListThenXmlAsync(IHypervisorDriver driver, DomainXmlFlags flags,
        Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var info in driver.ListDomainsAsync(include, cancellationToken).ConfigureAwait(false))
        {
            string xml;
            try
            {
                xml = await driver.GetDomainXmlAsync(DomainRef.Of(info), flags, cancellationToken).ConfigureAwait(false);
            }
            catch (Errors.LibVirtException ex) when (ex.Code == Errors.ErrorCode.NoDomain && ex is not Errors.ConnectionException)
            {
                // Undefined since it was listed.
                continue;
            }

            yield return new DomainInventoryItem(info, xml, DomainInventoryItem.TryParse(xml));
        }
    }

    public static DomainRef Ref(VirtDomain domain) => new(domain.Name, domain.Uuid);
}
