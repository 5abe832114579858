using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// The error payload (libvirt's remote_error) of a failed reply or stream: all eleven fields, in wire order, so
/// the payload is consumed whole and str1..str3 survive.
/// </summary>
public sealed record RemoteError(
    int Code,
    int Domain,
    string? Message,
    int Level,
    string? Str1 = null,
    string? Str2 = null,
    string? Str3 = null,
    int Int1 = -1,
    int Int2 = -1)
{
    public static RemoteError Read(XdrReader reader)
    {
        var code = reader.ReadInt();
        var domain = reader.ReadInt();
        var message = reader.ReadOptionalString();
        var level = reader.ReadInt();
        SkipHandle(reader, "domain", static r => RemoteHandles.ReadDomain(r));
        var str1 = reader.ReadOptionalString();
        var str2 = reader.ReadOptionalString();
        var str3 = reader.ReadOptionalString();
        var int1 = reader.ReadInt();
        var int2 = reader.ReadInt();
        SkipHandle(reader, "network", static r => RemoteHandles.ReadNetwork(r));
        return new RemoteError(code, domain, message, level, str1, str2, str3, int1, int2);
    }

    public void Write(XdrWriter writer)
    {
        writer.WriteInt(Code).WriteInt(Domain).WriteOptionalString(Message).WriteInt(Level)
            .WriteUInt(0)
            .WriteOptionalString(Str1).WriteOptionalString(Str2).WriteOptionalString(Str3)
            .WriteInt(Int1).WriteInt(Int2)
            .WriteUInt(0);
    }

    public static RemoteError Decode(ReadOnlyMemory<byte> payload)
    {
        var reader = new XdrReader(payload);
        var error = Read(reader);
        reader.EnsureEnd();
        return error;
    }

    /// <summary>The engine exception carrying every field of this error.</summary>
    public LibVirtException ToException(string? target = null) =>
        new((ErrorCode)Code, (ErrorDomain)Domain, string.IsNullOrEmpty(Message) ? $"libvirt error {Code}" : Message)
        {
            Level = (ErrorLevel)Level,
            Str1 = Str1,
            Str2 = Str2,
            Str3 = Str3,
            Int1 = Int1,
            Int2 = Int2,
            Target = target,
        };

    // The daemon always sends these absent; a present one is decoded (so the payload stays aligned) and dropped.
    private static void SkipHandle(XdrReader reader, string what, Func<XdrReader, object> read)
    {
        if (reader.ReadUInt() != 0)
        {
            _ = read(reader) ?? throw new XdrException($"bad {what} in error payload");
        }
    }
}
