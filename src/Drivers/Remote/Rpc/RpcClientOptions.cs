namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>Timing of an <see cref="RpcClient"/>.</summary>
public sealed record RpcClientOptions
{
    /// <summary>
    /// How long one call may wait for its reply; <see cref="Timeout.InfiniteTimeSpan"/> waits forever. Keepalive
    /// finds a dead daemon much sooner; this bounds a live daemon that never answers one call, and is generous
    /// because some calls (starting a large domain, saving memory) legitimately take minutes.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Calls written to the daemon and not yet answered; more wait their turn in the client. libvirtd's default
    /// max_client_requests is 5, and with that many calls in progress it stops reading the connection, keepalive
    /// answers included: five slow calls (defines that take half a minute each, say) would then get the connection
    /// closed as dead. One request is therefore left free.
    /// </summary>
    public int MaxCallsInFlight { get; init; } = 4;

    /// <summary>Idle time after which the client pings the daemon (once keepalive is on).</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unanswered pings after which the daemon is declared dead.</summary>
    public int KeepaliveCount { get; init; } = 6;
}
