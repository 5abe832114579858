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
}
