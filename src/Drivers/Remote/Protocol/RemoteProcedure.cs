namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>Names a declaration with libvirt's own procedure name, so libvirt's documentation stays searchable.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class LibvirtNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Procedure numbers of the REMOTE program (0x20008086) that the driver uses. Numbers are fixed forever by the
/// protocol; tests/data/rpc/procedures.txt freezes them.
/// </summary>
public enum RemoteProcedure
{
    [LibvirtName("CONNECT_OPEN")] ConnectOpen = 1,
    [LibvirtName("CONNECT_CLOSE")] ConnectClose = 2,
    [LibvirtName("CONNECT_GET_TYPE")] ConnectGetType = 3,
    [LibvirtName("CONNECT_GET_VERSION")] ConnectGetVersion = 4,
    [LibvirtName("NODE_GET_INFO")] NodeGetInfo = 6,
    [LibvirtName("DOMAIN_DEFINE_XML")] DomainDefineXml = 11,
    [LibvirtName("DOMAIN_DESTROY")] DomainDestroy = 12,
    [LibvirtName("DOMAIN_GET_XML_DESC")] DomainGetXmlDesc = 14,
    [LibvirtName("DOMAIN_GET_AUTOSTART")] DomainGetAutostart = 15,
    [LibvirtName("DOMAIN_GET_INFO")] DomainGetInfo = 16,
    [LibvirtName("DOMAIN_LOOKUP_BY_NAME")] DomainLookupByName = 23,
    [LibvirtName("DOMAIN_LOOKUP_BY_UUID")] DomainLookupByUuid = 24,
    [LibvirtName("DOMAIN_REBOOT")] DomainReboot = 27,
    [LibvirtName("DOMAIN_RESUME")] DomainResume = 28,
    [LibvirtName("DOMAIN_SHUTDOWN")] DomainShutdown = 33,
    [LibvirtName("DOMAIN_SUSPEND")] DomainSuspend = 34,
    [LibvirtName("CONNECT_GET_HOSTNAME")] ConnectGetHostname = 59,
    [LibvirtName("CONNECT_SUPPORTS_FEATURE")] ConnectSupportsFeature = 60,
    [LibvirtName("AUTH_LIST")] AuthList = 66,
    [LibvirtName("AUTH_POLKIT")] AuthPolkit = 70,
    [LibvirtName("DOMAIN_IS_PERSISTENT")] DomainIsPersistent = 151,
    [LibvirtName("CONNECT_GET_LIB_VERSION")] ConnectGetLibVersion = 157,
    [LibvirtName("DOMAIN_CREATE_WITH_FLAGS")] DomainCreateWithFlags = 196,
    [LibvirtName("DOMAIN_GET_STATE")] DomainGetState = 212,
    [LibvirtName("DOMAIN_UNDEFINE_FLAGS")] DomainUndefineFlags = 231,
    [LibvirtName("CONNECT_LIST_ALL_DOMAINS")] ConnectListAllDomains = 273,
    [LibvirtName("DOMAIN_EVENT_CALLBACK_LIFECYCLE")] DomainEventCallbackLifecycle = 318,
    [LibvirtName("CONNECT_GET_ALL_DOMAIN_STATS")] ConnectGetAllDomainStats = 344,
    [LibvirtName("DOMAIN_DEFINE_XML_FLAGS")] DomainDefineXmlFlags = 350,
}

/// <summary>Feature numbers for CONNECT_SUPPORTS_FEATURE that the driver asks about.</summary>
public enum RemoteFeature
{
    /// <summary>VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: asking it also switches the daemon's keepalive on.</summary>
    ProgramKeepalive = 10,

    /// <summary>VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK.</summary>
    RemoteEventCallback = 14,
}

/// <summary>Authentication types AUTH_LIST reports (remote_auth_type).</summary>
public enum RemoteAuthType
{
    None = 0,
    Sasl = 1,
    Polkit = 2,
}
