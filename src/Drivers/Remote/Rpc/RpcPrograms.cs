namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>The program numbers that share one libvirt connection.</summary>
public static class RpcPrograms
{
    /// <summary>REMOTE_PROGRAM: the hypervisor API.</summary>
    public const uint Remote = 0x20008086;

    /// <summary>QEMU_PROGRAM: monitor and agent pass-through.</summary>
    public const uint Qemu = 0x20008087;

    /// <summary>LXC_PROGRAM.</summary>
    public const uint Lxc = 0x00068000;

    /// <summary>KEEPALIVE_PROGRAM ("keep").</summary>
    public const uint Keepalive = 0x6b656570;

    /// <summary>KEEPALIVE_PROC_PING.</summary>
    public const int KeepalivePing = 1;

    /// <summary>KEEPALIVE_PROC_PONG.</summary>
    public const int KeepalivePong = 2;
}
