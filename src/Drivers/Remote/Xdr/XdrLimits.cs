namespace LibVirtPS.Drivers.Remote.Xdr;

/// <summary>The protocol's size limits that XDR data is checked against.</summary>
public static class XdrLimits
{
    /// <summary>The longest string libvirt sends or accepts (remote_nonnull_string), 4 MiB.</summary>
    public const int StringMax = 4 * 1024 * 1024;

    /// <summary>The largest RPC payload (32 MiB minus the 24-byte header); nothing in one packet can be longer.</summary>
    public const int PayloadMax = 33554408;

    /// <summary>Rounds a byte count up to the XDR unit of 4.</summary>
    public static int Padded(int length) => (length + 3) & ~3;
}
