using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Xdr;

/// <summary>XDR data that does not decode: truncated, over a declared maximum, or not valid for its type.</summary>
public sealed class XdrException : LibVirtException
{
    public XdrException(string message)
        : base(ErrorCode.Rpc, ErrorDomain.Rpc, message)
    {
    }
}
