namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>
/// The project's declarations of the REMOTE procedures the driver calls (arguments and return value of each).
/// The libvirt name of each is in its comment and on <see cref="RemoteProcedure"/>.
/// </summary>
public static class RemoteProcedures
{
    /// <summary>CONNECT_OPEN: opens the hypervisor connection by name.</summary>
    public static readonly Procedure<ConnectOpenArgs, XdrVoid> ConnectOpen = new(RemoteProcedure.ConnectOpen, ConnectOpenArgs.Codec, Codecs.Void);

    /// <summary>CONNECT_CLOSE: the daemon replies, then closes the socket.</summary>
    public static readonly Procedure<XdrVoid, XdrVoid> ConnectClose = new(RemoteProcedure.ConnectClose, Codecs.Void, Codecs.Void);

    /// <summary>CONNECT_GET_TYPE: "QEMU", "TEST", ...</summary>
    public static readonly Procedure<XdrVoid, string> ConnectGetType = new(RemoteProcedure.ConnectGetType, Codecs.Void, Codecs.String);

    /// <summary>CONNECT_GET_VERSION: major * 1,000,000 + minor * 1,000 + micro.</summary>
    public static readonly Procedure<XdrVoid, ulong> ConnectGetVersion = new(RemoteProcedure.ConnectGetVersion, Codecs.Void, Codecs.UHyper);

    /// <summary>CONNECT_GET_LIB_VERSION: the daemon's libvirt version, same encoding.</summary>
    public static readonly Procedure<XdrVoid, ulong> ConnectGetLibVersion = new(RemoteProcedure.ConnectGetLibVersion, Codecs.Void, Codecs.UHyper);

    /// <summary>CONNECT_GET_HOSTNAME.</summary>
    public static readonly Procedure<XdrVoid, string> ConnectGetHostname = new(RemoteProcedure.ConnectGetHostname, Codecs.Void, Codecs.String);

    /// <summary>CONNECT_SUPPORTS_FEATURE: 1 when the feature number is supported.</summary>
    public static readonly Procedure<int, int> ConnectSupportsFeature = new(RemoteProcedure.ConnectSupportsFeature, Codecs.Int, Codecs.Int);

    /// <summary>AUTH_LIST: must be the first call on a connection.</summary>
    public static readonly Procedure<XdrVoid, IReadOnlyList<int>> AuthList = new(RemoteProcedure.AuthList, Codecs.Void, AuthListReply.Codec);

    /// <summary>AUTH_POLKIT: 1 when the peer is now authorised.</summary>
    public static readonly Procedure<XdrVoid, int> AuthPolkit = new(RemoteProcedure.AuthPolkit, Codecs.Void, Codecs.Int);

    /// <summary>NODE_GET_INFO.</summary>
    public static readonly Procedure<XdrVoid, NodeInfoReply> NodeGetInfo = new(RemoteProcedure.NodeGetInfo, Codecs.Void, NodeInfoReply.Codec);

    /// <summary>CONNECT_LIST_ALL_DOMAINS.</summary>
    public static readonly Procedure<ListAllDomainsArgs, ListAllDomainsReply> ConnectListAllDomains =
        new(RemoteProcedure.ConnectListAllDomains, ListAllDomainsArgs.Codec, ListAllDomainsReply.Codec);

    /// <summary>CONNECT_GET_ALL_DOMAIN_STATS: chosen stats groups of many domains in one call.</summary>
    public static readonly Procedure<GetAllDomainStatsArgs, GetAllDomainStatsReply> ConnectGetAllDomainStats =
        new(RemoteProcedure.ConnectGetAllDomainStats, GetAllDomainStatsArgs.Codec, GetAllDomainStatsReply.Codec);

    /// <summary>DOMAIN_LOOKUP_BY_NAME.</summary>
    public static readonly Procedure<string, DomainHandle> DomainLookupByName = new(RemoteProcedure.DomainLookupByName, Codecs.String, Codecs.Domain);

    /// <summary>DOMAIN_LOOKUP_BY_UUID.</summary>
    public static readonly Procedure<Guid, DomainHandle> DomainLookupByUuid = new(RemoteProcedure.DomainLookupByUuid, Codecs.Uuid, Codecs.Domain);

    /// <summary>DOMAIN_GET_INFO.</summary>
    public static readonly Procedure<DomainHandle, DomainInfoReply> DomainGetInfo = new(RemoteProcedure.DomainGetInfo, Codecs.Domain, DomainInfoReply.Codec);

    /// <summary>DOMAIN_GET_STATE.</summary>
    public static readonly Procedure<DomainFlagsArgs, DomainStateReply> DomainGetState = new(RemoteProcedure.DomainGetState, DomainFlagsArgs.Codec, DomainStateReply.Codec);

    /// <summary>DOMAIN_GET_XML_DESC: flags are virDomainXMLFlags.</summary>
    public static readonly Procedure<DomainFlagsArgs, string> DomainGetXmlDesc = new(RemoteProcedure.DomainGetXmlDesc, DomainFlagsArgs.Codec, Codecs.String);

    /// <summary>DOMAIN_DEFINE_XML_FLAGS.</summary>
    public static readonly Procedure<XmlFlagsArgs, DomainHandle> DomainDefineXmlFlags = new(RemoteProcedure.DomainDefineXmlFlags, XmlFlagsArgs.Codec, Codecs.Domain);

    /// <summary>DOMAIN_DEFINE_XML: the fallback for daemons older than DOMAIN_DEFINE_XML_FLAGS.</summary>
    public static readonly Procedure<string, DomainHandle> DomainDefineXml = new(RemoteProcedure.DomainDefineXml, Codecs.String, Codecs.Domain);

    /// <summary>DOMAIN_UNDEFINE_FLAGS.</summary>
    public static readonly Procedure<DomainFlagsArgs, XdrVoid> DomainUndefineFlags = new(RemoteProcedure.DomainUndefineFlags, DomainFlagsArgs.Codec, Codecs.Void);

    /// <summary>DOMAIN_CREATE_WITH_FLAGS: starts a defined domain and returns its fresh handle (with the new id).</summary>
    public static readonly Procedure<DomainFlagsArgs, DomainHandle> DomainCreateWithFlags = new(RemoteProcedure.DomainCreateWithFlags, DomainFlagsArgs.Codec, Codecs.Domain);

    /// <summary>DOMAIN_SHUTDOWN.</summary>
    public static readonly Procedure<DomainHandle, XdrVoid> DomainShutdown = new(RemoteProcedure.DomainShutdown, Codecs.Domain, Codecs.Void);

    /// <summary>DOMAIN_DESTROY.</summary>
    public static readonly Procedure<DomainHandle, XdrVoid> DomainDestroy = new(RemoteProcedure.DomainDestroy, Codecs.Domain, Codecs.Void);

    /// <summary>DOMAIN_REBOOT.</summary>
    public static readonly Procedure<DomainFlagsArgs, XdrVoid> DomainReboot = new(RemoteProcedure.DomainReboot, DomainFlagsArgs.Codec, Codecs.Void);

    /// <summary>DOMAIN_SUSPEND.</summary>
    public static readonly Procedure<DomainHandle, XdrVoid> DomainSuspend = new(RemoteProcedure.DomainSuspend, Codecs.Domain, Codecs.Void);

    /// <summary>DOMAIN_RESUME.</summary>
    public static readonly Procedure<DomainHandle, XdrVoid> DomainResume = new(RemoteProcedure.DomainResume, Codecs.Domain, Codecs.Void);

    /// <summary>DOMAIN_GET_AUTOSTART.</summary>
    public static readonly Procedure<DomainHandle, int> DomainGetAutostart = new(RemoteProcedure.DomainGetAutostart, Codecs.Domain, Codecs.Int);

    /// <summary>DOMAIN_IS_PERSISTENT.</summary>
    public static readonly Procedure<DomainHandle, int> DomainIsPersistent = new(RemoteProcedure.DomainIsPersistent, Codecs.Domain, Codecs.Int);
}
