using System.Globalization;
using LibVirtPS.Drivers.Remote.Xdr;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>The value types of a typed parameter (remote_typed_param's discriminant).</summary>
public enum TypedParamType
{
    Int = 1,
    UInt = 2,
    LLong = 3,
    ULLong = 4,
    Double = 5,
    Boolean = 6,
    String = 7,
}

/// <summary>
/// One typed parameter: a field name (at most 80 bytes) and a value whose CLR type follows <see cref="Type"/>
/// (int, uint, long, ulong, double, bool or string).
/// </summary>
public sealed record TypedParam(string Field, TypedParamType Type, object Value)
{
    public const int FieldMax = 80;

    // Field length word, type word and the smallest value (one word).
    public const int MinSize = 12;

    public static readonly XdrCodec<TypedParam> Codec = new(Write, Read);

    /// <summary>The value as a signed integer, for the integral types; null for the others.</summary>
    public long? AsInt64() => Value switch
    {
        int i => i,
        uint u => u,
        long l => l,
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    };

    private static void Write(XdrWriter w, TypedParam p)
    {
        w.WriteString(p.Field, FieldMax).WriteInt((int)p.Type);
        switch (p.Type)
        {
            case TypedParamType.Int: w.WriteInt(Convert.ToInt32(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.UInt: w.WriteUInt(Convert.ToUInt32(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.LLong: w.WriteHyper(Convert.ToInt64(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.ULLong: w.WriteUHyper(Convert.ToUInt64(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.Double: w.WriteDouble(Convert.ToDouble(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.Boolean: w.WriteBool(Convert.ToBoolean(p.Value, CultureInfo.InvariantCulture)); break;
            case TypedParamType.String: w.WriteString((string)p.Value); break;
            default: throw new XdrException($"Typed parameter '{p.Field}' has unknown type {(int)p.Type}");
        }
    }

    private static TypedParam Read(XdrReader r)
    {
        var field = r.ReadString(FieldMax);
        var type = (TypedParamType)r.ReadInt();
        object value = type switch
        {
            TypedParamType.Int => r.ReadInt(),
            TypedParamType.UInt => r.ReadUInt(),
            TypedParamType.LLong => r.ReadHyper(),
            TypedParamType.ULLong => r.ReadUHyper(),
            TypedParamType.Double => r.ReadDouble(),
            TypedParamType.Boolean => r.ReadBool(),
            TypedParamType.String => r.ReadString(),
            _ => throw new XdrException($"Typed parameter '{field}' has unknown type {(int)type}"),
        };
        return new TypedParam(field, type, value);
    }
}
