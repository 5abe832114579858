using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// The authentication step that must come first on every connection. AUTH_LIST itself authenticates a root peer
/// on polkit sockets; "none" needs nothing more; polkit asks AUTH_POLKIT; SASL is refused with a clear error.
/// </summary>
public static class RemoteAuthenticator
{
    public static async Task AuthenticateAsync(RpcClient client, string target, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> types;
        try
        {
            types = await client.CallAsync(RemoteProcedures.AuthList, cancellationToken).ConfigureAwait(false);
        }
        catch (LibVirtException ex) when (IsUnknownProcedure(ex))
        {
            // A daemon that predates AUTH_LIST has no authentication.
            return;
        }

        if (types.Count == 0 || types.Contains((int)RemoteAuthType.None))
        {
            return;
        }

        if (types.Contains((int)RemoteAuthType.Polkit))
        {
            var complete = await client.CallAsync(RemoteProcedures.AuthPolkit, cancellationToken).ConfigureAwait(false);
            if (complete != 1)
            {
                throw new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote, $"polkit did not authorise this client on {target}") { Target = target };
            }

            return;
        }

        var names = string.Join(", ", types.Select(t => Enum.IsDefined((RemoteAuthType)t) ? ((RemoteAuthType)t).ToString().ToLowerInvariant() : $"type {t}"));
        throw new LibVirtException(ErrorCode.AuthUnavailable, ErrorDomain.Remote,
            $"The daemon at {target} requires {names} authentication, which LibVirtPS does not support; use a unix socket as root, or TLS with a client certificate")
        {
            Target = target,
        };
    }

    /// <summary>How a daemon says it does not know a procedure: RPC error "unknown procedure", or NO_SUPPORT.</summary>
    public static bool IsUnknownProcedure(LibVirtException ex) =>
        ex is not ConnectionException
        && (ex.Code == ErrorCode.NoSupport || (ex.Code == ErrorCode.Rpc && ex.Message.Contains("unknown procedure", StringComparison.Ordinal)));
}
