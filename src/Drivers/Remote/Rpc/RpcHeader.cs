namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>The kind of an RPC packet (the header's type word).</summary>
public enum PacketType
{
    Call = 0,
    Reply = 1,
    Message = 2,
    Stream = 3,
    CallWithFds = 4,
    ReplyWithFds = 5,
    StreamHole = 6,
}

/// <summary>The header's status word.</summary>
public enum PacketStatus
{
    Ok = 0,
    Error = 1,
    Continue = 2,
}

/// <summary>The six words that follow the length word of every packet.</summary>
public readonly record struct RpcHeader(uint Program, uint Version, int Procedure, PacketType Type, uint Serial, PacketStatus Status)
{
    /// <summary>Every program libvirt defines uses version 1.</summary>
    public const uint ProtocolVersion = 1;

    public override string ToString() =>
        $"program 0x{Program:x8} procedure {Procedure} {Type} serial {Serial} {Status}";
}

/// <summary>One whole packet: header and payload (the payload excludes the length word and the header).</summary>
public sealed record RpcPacket(RpcHeader Header, ReadOnlyMemory<byte> Payload);
