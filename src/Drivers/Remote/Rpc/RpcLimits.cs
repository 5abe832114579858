namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>The framing limits libvirt (3.4.0 and later) enforces.</summary>
public static class RpcLimits
{
    /// <summary>The length word itself.</summary>
    public const int LengthSize = 4;

    /// <summary>Program, version, procedure, type, serial, status.</summary>
    public const int HeaderSize = 24;

    /// <summary>Header plus payload; the length word may be this plus 4.</summary>
    public const int MessageMax = 33554432;

    public const int PayloadMax = MessageMax - HeaderSize;

    /// <summary>The smallest valid packet: length word and header, no payload.</summary>
    public const int MinPacket = LengthSize + HeaderSize;

    public const int MaxPacket = MessageMax + LengthSize;

    /// <summary>Upload chunks this size or smaller are accepted by every daemon version.</summary>
    public const int SafeStreamChunk = 262120;
}
