namespace LibVirtPS.Engine.Errors;

/// <summary>
/// A connection could not be opened, or was lost: the daemon went away, the transport broke, a packet was
/// malformed, or a call timed out. Pending and later calls on that connection fail with it.
/// </summary>
public sealed class ConnectionException : LibVirtException
{
    public ConnectionException(string message, Exception? inner = null, bool lost = true)
        : base(ErrorCode.Rpc, ErrorDomain.Rpc, message, inner)
    {
        Lost = lost;
    }

    /// <summary>True when an open connection was lost; false when it could not be opened at all.</summary>
    public bool Lost { get; }
}
