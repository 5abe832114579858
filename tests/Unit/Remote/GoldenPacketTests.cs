using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>The byte vectors of the protocol reference, encoded and decoded through the project's declarations.</summary>
public class GoldenPacketTests
{
    private static readonly Guid TestDomainUuid = Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f");

    [Fact]
    public void ConnectOpenCall()
    {
        var expected = Hex("00000038 20008086 00000001 00000001 00000000 00000003 00000000"
            + "00000001 0000000f 74657374 3a2f2f2f 64656661 756c7400 00000000");
        var header = new RpcHeader(RpcPrograms.Remote, 1, (int)RemoteProcedure.ConnectOpen, PacketType.Call, 3, PacketStatus.Ok);
        var packet = PacketCodec.Encode(header, RemoteProcedures.ConnectOpen.Args.Encode(new ConnectOpenArgs("test:///default", 0)));
        Assert.Equal(expected, packet);

        var decoded = PacketCodec.Decode(expected);
        Assert.Equal(header, decoded.Header);
        Assert.Equal(new ConnectOpenArgs("test:///default", 0), RemoteProcedures.ConnectOpen.Args.Decode(decoded.Payload));
    }

    [Fact]
    public void ConnectOpenReply()
    {
        var reply = PacketCodec.Decode(Hex("0000001c 20008086 00000001 00000001 00000001 00000003 00000000"));
        Assert.Equal(new RpcHeader(RpcPrograms.Remote, 1, 1, PacketType.Reply, 3, PacketStatus.Ok), reply.Header);
        Assert.True(reply.Payload.IsEmpty);
    }

    [Fact]
    public void ListAllDomainsCallAndReply()
    {
        var call = PacketCodec.Encode(
            new RpcHeader(RpcPrograms.Remote, 1, (int)RemoteProcedure.ConnectListAllDomains, PacketType.Call, 10, PacketStatus.Ok),
            RemoteProcedures.ConnectListAllDomains.Args.Encode(new ListAllDomainsArgs(1, 0)));
        Assert.Equal(Hex("00000024 20008086 00000001 00000111 00000000 0000000a 00000000 00000001 00000000"), call);

        var replyBytes = Hex("00000040 20008086 00000001 00000111 00000001 0000000a 00000000"
            + "00000001 00000004 74657374 6695eb01 f6a48304 79aa97f2 502e193f 00000001 00000001");
        var reply = PacketCodec.Decode(replyBytes);
        var list = RemoteProcedures.ConnectListAllDomains.Ret.Decode(reply.Payload);
        var domain = Assert.Single(list.Domains);
        Assert.Equal(new DomainHandle("test", TestDomainUuid, 1), domain);
        Assert.Equal(1u, list.Count);
        Assert.Equal(replyBytes, PacketCodec.Encode(reply.Header, RemoteProcedures.ConnectListAllDomains.Ret.Encode(list)));
    }

    [Fact]
    public void KeepalivePingAndPong()
    {
        var ping = new RpcHeader(RpcPrograms.Keepalive, 1, RpcPrograms.KeepalivePing, PacketType.Message, 0, PacketStatus.Ok);
        Assert.Equal(Hex("0000001c 6b656570 00000001 00000001 00000002 00000000 00000000"), PacketCodec.Encode(ping, default));
        Assert.Equal(Hex("0000001c 6b656570 00000001 00000002 00000002 00000000 00000000"),
            PacketCodec.Encode(ping with { Procedure = RpcPrograms.KeepalivePong }, default));
    }

    [Fact]
    public void ErrorReplyOfMissingDomain()
    {
        // code 42, domain 12, message present, level 2, dom absent, str1 present, str2/str3 absent, int1 -1, int2 -1, net absent.
        var payload = Hex("0000002a 0000000c 00000001 00000010 446f6d61 696e206e 6f742066 6f756e64 00000002 00000000"
            + "00000001 00000010 446f6d61 696e206e 6f742066 6f756e64 00000000 00000000 ffffffff ffffffff 00000000");
        var packet = PacketCodec.Encode(
            new RpcHeader(RpcPrograms.Remote, 1, (int)RemoteProcedure.DomainLookupByName, PacketType.Reply, 7, PacketStatus.Error), payload);
        var decoded = PacketCodec.Decode(packet);
        Assert.Equal(PacketType.Reply, decoded.Header.Type);
        Assert.Equal(PacketStatus.Error, decoded.Header.Status);

        var error = RemoteError.Decode(decoded.Payload);
        Assert.Equal(new RemoteError(42, 12, "Domain not found", 2, "Domain not found", null, null, -1, -1), error);
        var writer = new XdrWriter();
        error.Write(writer);
        Assert.Equal(payload, writer.ToArray());

        var ex = error.ToException();
        Assert.Equal(ErrorCode.NoDomain, ex.Code);
        Assert.Equal(ErrorDomain.Test, ex.Domain);
        Assert.Equal(ErrorLevel.Error, ex.Level);
        Assert.Equal("Domain not found", ex.Message);
        Assert.Equal("Domain not found", ex.Str1);
        Assert.Null(ex.Str2);
        Assert.Equal(-1, ex.Int1);
    }

    [Fact]
    public void NodeInfoModelIsOneCharPerWord()
    {
        var bytes = NodeInfoReply.Codec.Encode(new NodeInfoReply("i686", 3145728, 16, 1400, 2, 2, 2, 2));
        Assert.Equal(160, bytes.Length);
        Assert.Equal(Hex("00000069 00000036 00000038 00000036 00000000"), bytes[..20]);
        Assert.Equal(new NodeInfoReply("i686", 3145728, 16, 1400, 2, 2, 2, 2), NodeInfoReply.Codec.Decode(bytes));
    }

    [Fact]
    public void DomainInfoIsThirtyTwoBytes()
    {
        var info = new DomainInfoReply(1, 8388608, 2097152, 2, 123456789);
        var bytes = DomainInfoReply.Codec.Encode(info);
        Assert.Equal(32, bytes.Length);
        Assert.Equal(info, DomainInfoReply.Codec.Decode(bytes));
    }

    [Fact]
    public void LifecycleEventPayload()
    {
        var ev = new LifecycleEvent(0, new DomainHandle("test", TestDomainUuid, 1), 3, 0);
        var bytes = LifecycleEvent.Codec.Encode(ev);
        Assert.Equal(Hex("00000000 00000004 74657374 6695eb01 f6a48304 79aa97f2 502e193f 00000001 00000003 00000000"), bytes);
        Assert.Equal(ev, LifecycleEvent.Codec.Decode(bytes));
    }

    [Theory]
    [InlineData("00000010 20008086 00000001 00000001 00000001 00000003 00000000", "outside")]
    [InlineData("0000001c 20008086 00000002 00000001 00000001 00000003 00000000", "version")]
    [InlineData("0000001c 20008086 00000001 00000001 00000009 00000003 00000000", "type")]
    [InlineData("0000001c 20008086 00000001 00000001 00000001 00000003 00000007", "status")]
    [InlineData("00000020 20008086 00000001 00000001 00000001 00000003 00000000", "length word")]
    public void MalformedPacketsAreConnectionErrors(string hex, string why)
    {
        var ex = Assert.Throws<ConnectionException>(() => PacketCodec.Decode(Hex(hex)));
        Assert.Contains(why, ex.Message);
    }

    internal static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", ""));
}
