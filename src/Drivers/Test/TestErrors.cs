using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Test;

/// <summary>The errors of the test hypervisor, worded like libvirt's and carrying libvirt's codes.</summary>
internal static class TestErrors
{
    public static LibVirtException NoDomainWithName(string name) =>
        new(ErrorCode.NoDomain, ErrorDomain.Test, $"Domain not found: no domain with matching name '{name}'")
        {
            Str1 = name,
            Target = name,
        };

    public static LibVirtException NoDomainWithUuid(Guid uuid) =>
        new(ErrorCode.NoDomain, ErrorDomain.Test, $"Domain not found: no domain with matching uuid '{uuid:D}'")
        {
            Str1 = uuid.ToString("D"),
            Target = uuid,
        };

    public static LibVirtException NotRunning(string name) => Invalid(name, "domain is not running");

    public static LibVirtException AlreadyRunning(string name) => Invalid(name, "domain is already running");

    public static LibVirtException AlreadyPaused(string name) => Invalid(name, "domain is already paused");

    public static LibVirtException NotPaused(string name) => Invalid(name, "domain is not paused");

    /// <summary>A guest shutdown needs a running guest; a paused one cannot react to the request.</summary>
    public static LibVirtException PausedCannotShutdown(string name) => Invalid(name, "domain is not running, it is paused");

    public static LibVirtException TransientCannotUndefine(string name) => Invalid(name, "cannot undefine a transient domain");

    public static LibVirtException NameTakenByOtherUuid(string name, Guid existing, Guid? requested) =>
        Failed(name, $"domain '{name}' already exists with uuid {existing:D}, the new definition has "
            + (requested is Guid uuid ? $"uuid {uuid:D}" : "no uuid"));

    public static LibVirtException UuidTakenByOtherName(string existingName, Guid uuid, string requestedName) =>
        Failed(requestedName, $"domain '{existingName}' is already defined with uuid {uuid:D}, it cannot be redefined as '{requestedName}'");

    public static LibVirtException NoDomainReference() =>
        new(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: a domain reference needs a name or a UUID");

    public static LibVirtException ConnectionClosed(string uri) =>
        new(ErrorCode.InvalidConn, ErrorDomain.Test, $"invalid connection pointer: the connection to '{uri}' is closed") { Target = uri };

    public static LibVirtException CannotOpen(string what, string path, string why) =>
        new(ErrorCode.NoConnect, ErrorDomain.Test, $"Cannot open the {what} '{path}': {why}")
        {
            Str1 = path,
            Target = path,
        };

    private static LibVirtException Invalid(string name, string why) =>
        new(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: {why} (domain '{name}')")
        {
            Str1 = name,
            Target = name,
        };

    private static LibVirtException Failed(string name, string why) =>
        new(ErrorCode.OperationFailed, ErrorDomain.Test, $"operation failed: {why}")
        {
            Str1 = name,
            Target = name,
        };
}
