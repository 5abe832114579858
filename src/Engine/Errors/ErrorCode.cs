namespace LibVirtPS.Engine.Errors;

/// <summary>libvirt's virErrorNumber values that the project names; other numbers pass through as they are.</summary>
public enum ErrorCode
{
    Ok = 0,
    InternalError = 1,
    NoMemory = 2,
    NoSupport = 3,
    UnknownHost = 4,
    NoConnect = 5,
    InvalidConn = 6,
    InvalidDomain = 7,
    InvalidArg = 8,
    OperationFailed = 9,
    XmlError = 27,
    DomainExists = 28,
    OperationDenied = 29,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    NoNetwork = 43,
    AuthFailed = 45,
    NoStoragePool = 49,
    NoStorageVolume = 50,
    OperationInvalid = 55,
    NoDomainSnapshot = 72,
    OperationUnsupported = 84,
    AuthUnavailable = 94,
}

/// <summary>libvirt's virErrorDomain values that the project names.</summary>
public enum ErrorDomain
{
    None = 0,
    Conf = 6,
    Rpc = 7,
    Qemu = 10,
    Test = 12,
    Remote = 13,
    Storage = 18,
    Network = 19,
    Domain = 20,
    Xml = 21,
    Uri = 45,
    Polkit = 60,
}

/// <summary>libvirt's virErrorLevel.</summary>
public enum ErrorLevel
{
    None = 0,
    Warning = 1,
    Error = 2,
}
