using LibVirtPS.Drivers.Remote.Rpc;

namespace LibVirtPS.Drivers.Remote.Protocol;

/// <summary>One procedure of the REMOTE program: its number and the codecs of its arguments and return value.</summary>
public sealed record Procedure<TArgs, TRet>(RemoteProcedure Number, XdrCodec<TArgs> Args, XdrCodec<TRet> Ret)
{
    public uint Program => RpcPrograms.Remote;

    public override string ToString() => $"{Number} ({(int)Number})";
}

/// <summary>Typed calls over an <see cref="RpcClient"/>.</summary>
public static class ProcedureCalls
{
    public static Task<TRet> CallAsync<TArgs, TRet>(this RpcClient client, Procedure<TArgs, TRet> procedure, TArgs args,
        CancellationToken cancellationToken) =>
        client.CallAsync(procedure.Program, (int)procedure.Number, w => procedure.Args.Write(w, args), procedure.Ret.Read, cancellationToken);

    public static Task<TRet> CallAsync<TRet>(this RpcClient client, Procedure<XdrVoid, TRet> procedure,
        CancellationToken cancellationToken) =>
        client.CallAsync(procedure, default, cancellationToken);

    /// <summary>
    /// Calls the procedure once per argument, pipelined (see <see cref="RpcClient.CallManyAsync"/>); each reply, decoded,
    /// or the daemon's error, goes to <paramref name="onReply"/> with its argument's index, on the reader thread.
    /// </summary>
    public static Task CallManyAsync<TArgs, TRet>(this RpcClient client, Procedure<TArgs, TRet> procedure, IReadOnlyList<TArgs> args,
        Action<int, TRet?, Engine.Errors.LibVirtException?> onReply, int window, CancellationToken cancellationToken) =>
        client.CallManyAsync(procedure.Program, (int)procedure.Number, args.Count, (i, w) => procedure.Args.Write(w, args[i]),
            (i, payload, error) => onReply(i, error is null ? procedure.Ret.Decode(payload) : default, error), window, cancellationToken);
}
