using LibVirtPS.Engine.Connections;
using Xunit;

namespace LibVirtPS.Tests.Remote.Integration;

/// <summary>What the integration tests need from this machine: the system libvirtd socket, answering.</summary>
internal static class LocalLibvirtd
{
    public const string Socket = "/var/run/libvirt/libvirt-sock";

    private static readonly Lazy<string?> Reason = new(() =>
        !OperatingSystem.IsLinux() ? "integration tests need Linux with a system libvirtd"
        : !File.Exists(Socket) ? $"no libvirtd socket at {Socket} (tools/Start-Libvirtd.sh starts one as root on Debian)"
        : !ConnectionService.SocketAnswers(Socket, TimeSpan.FromSeconds(1)) ? $"the libvirtd socket {Socket} does not answer"
        : null);

    /// <summary>Why the tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Reason.Value;
}

/// <summary>A test against the real libvirtd: reported as skipped, with the reason, where there is none.</summary>
public sealed class LibvirtdFactAttribute : FactAttribute
{
    public LibvirtdFactAttribute()
    {
        if (LocalLibvirtd.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
