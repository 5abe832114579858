using LibVirtPS.Engine.Connections;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// Which UNIX socket a URI means, by libvirt's rules: socket=PATH wins; otherwise mode=direct uses the driver's
/// own daemon (virtqemud-sock, ...), mode=legacy the monolithic libvirt-sock, and mode=auto (the default) the
/// driver's daemon when its socket exists, else libvirt-sock. Read-only connections use the -ro sockets.
/// Session URIs (and non-root users) look under $XDG_RUNTIME_DIR/libvirt.
/// </summary>
public static class UnixSocketPaths
{
    public const string SystemDirectory = "/var/run/libvirt";

    public static string Resolve(LibvirtUri uri, bool readOnly, bool isRoot, string? runtimeDirectory, Func<string, bool> exists)
    {
        if (uri.Parameter("socket") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var session = uri.Path == "/session" || (!isRoot && uri.Path != "/system");
        var directory = session && !string.IsNullOrEmpty(runtimeDirectory)
            ? Path.Combine(runtimeDirectory, "libvirt")
            : SystemDirectory;
        var suffix = readOnly ? "-sock-ro" : "-sock";
        var direct = Path.Combine(directory, $"virt{uri.Driver}d{suffix}");
        var legacy = Path.Combine(directory, $"libvirt{suffix}");
        return (uri.Parameter("mode") ?? "auto") switch
        {
            "direct" => direct,
            "legacy" => legacy,
            "auto" => exists(direct) ? direct : legacy,
            var other => throw new Engine.Errors.LibVirtException(Engine.Errors.ErrorCode.InvalidArg, Engine.Errors.ErrorDomain.Remote,
                $"Unknown mode '{other}' in '{uri.Original}' (expected auto, legacy or direct)") { Target = uri.Original },
        };
    }
}
