using System.Text;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Headers written byte by byte with broken fields: each gives a Status, never an exception.</summary>
public sealed class HostileImageTests
{
    private static readonly ImageChainResolver Resolver = new();

    public static TheoryData<string, Func<Qcow2Bytes>, string> InvalidHeaders => new()
    {
        { "truncated-40-bytes", () => new Qcow2Bytes { FileLength = 40 }, "truncated" },
        { "truncated-v3-at-100", () => new Qcow2Bytes { FileLength = 100 }, "truncated" },
        { "version-4", () => new Qcow2Bytes { Version = 4 }, "version 4" },
        { "version-0xffffffff", () => new Qcow2Bytes { Version = 0xFFFFFFFF }, "version 4294967295" },
        { "cluster-bits-31", () => new Qcow2Bytes { ClusterBits = 31 }, "2^31" },
        { "cluster-bits-8", () => new Qcow2Bytes { ClusterBits = 8 }, "2^8" },
        { "header-length-0x10008", () => new Qcow2Bytes { HeaderLength = 0x10008 }, "exceeds" },
        { "header-length-96", () => new Qcow2Bytes { HeaderLength = 96 }, "too short" },
        { "unknown-incompatible-bit-40", () => new Qcow2Bytes { Incompatible = 1UL << 40 }, "10000000000" },
        { "extension-too-large", () => Extension(0x12345678, 0xFFFFFFF0), "too large" },
        { "backing-offset-past-cluster", () => new Qcow2Bytes { BackingName = "b"u8.ToArray(), BackingOffset = 70000 }, "offset" },
        { "backing-offset-near-2-64", () => new Qcow2Bytes { BackingName = "b"u8.ToArray(), BackingOffset = ulong.MaxValue - 15 }, "offset" },
        { "backing-size-0xffffffff", () => new Qcow2Bytes { BackingName = "b"u8.ToArray(), BackingSize = 0xFFFFFFFF }, "too long" },
        { "backing-size-1024", () => new Qcow2Bytes { BackingName = "b"u8.ToArray(), BackingSize = 1024 }, "too long" },
        { "backing-size-10000", () => new Qcow2Bytes { BackingName = "b"u8.ToArray(), BackingSize = 10000 }, "too long" },
        { "backing-name-past-eof", () => new Qcow2Bytes { BackingName = "base.qcow2"u8.ToArray(), BackingOffset = 4000, FileLength = 4004 }, "past the end" },
        { "backing-format-16-bytes", () => new Qcow2Bytes().WithBacking("b", "qcow2-but-longer"), "too long" },
        { "virtual-size-2-64", () => new Qcow2Bytes { VirtualSize = ulong.MaxValue }, "too large" },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void BrokenQcow2MetadataMakesTheImageInvalid(string name, Func<Qcow2Bytes> image, string messagePart)
    {
        using var temp = new TempFolder();
        var path = temp.File(name + ".qcow2");
        image().WriteTo(path);

        var chain = Resolver.Resolve(path);

        var only = Assert.Single(chain.Elements);
        Assert.Equal(ChainStatus.Invalid, only.Status);
        Assert.Equal("qcow2", only.Format);
        Assert.Contains(messagePart, only.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(only.VirtualSize);
    }

    [Fact]
    public void AQcow2TruncatedBelowEightBytesIsRawAsQemuSeesIt()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("tiny"), new byte[] { (byte)'Q', (byte)'F', (byte)'I' });
        File.WriteAllBytes(temp.File("empty"), Array.Empty<byte>());

        var tiny = Assert.Single(Resolver.Resolve(temp.File("tiny")).Elements);
        var empty = Assert.Single(Resolver.Resolve(temp.File("empty")).Elements);

        Assert.Equal(("raw", 3L), (tiny.Format, tiny.VirtualSize!.Value));
        Assert.Equal(("raw", 0L), (empty.Format, empty.VirtualSize!.Value));
    }

    [Fact]
    public void ABackingNameAt40000InsideTheFirstClusterIsFollowed()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
        new Qcow2Bytes { BackingName = "base.qcow2"u8.ToArray(), BackingOffset = 40000 }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal(2, chain.Elements.Count);
        Assert.Equal(temp.File("base.qcow2"), chain.Elements[1].Path);
        Assert.Equal(ChainStatus.Ok, chain.Elements[1].Status);
    }

    [Fact]
    public void ABackingOffsetIntoTheHeaderReadsAsNoBackingFile()
    {
        using var temp = new TempFolder();
        new Qcow2Bytes { BackingName = null, BackingOffset = 4, BackingSize = 10 }.WriteTo(temp.File("top.qcow2"));

        var only = Assert.Single(Resolver.Resolve(temp.File("top.qcow2")).Elements);

        Assert.Equal(ChainStatus.Ok, only.Status);
        Assert.Contains(only.Findings, f => f.Contains("NUL"));
    }

    [Fact]
    public void ANameLengthOfZeroMeansNoBackingFile()
    {
        using var temp = new TempFolder();
        new Qcow2Bytes { BackingName = "base.qcow2"u8.ToArray(), BackingSize = 0 }.WriteTo(temp.File("top.qcow2"));

        Assert.Equal(ChainStatus.Ok, Assert.Single(Resolver.Resolve(temp.File("top.qcow2")).Elements).Status);
    }

    [Fact]
    public void ANulInsideTheBackingNameEndsIt()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
        new Qcow2Bytes { BackingName = "base.qcow2\0junk"u8.ToArray() }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal("base.qcow2", chain.Elements[1].BackingReference);
        Assert.Equal(ChainStatus.Ok, chain.Elements[1].Status);
        Assert.Contains(chain.Elements[0].Findings, f => f.Contains("NUL"));
    }

    [Fact]
    public void ANonUtf8NameIsOpenedByItsBytesAndReportedInBase64()
    {
        using var temp = new TempFolder();
        var name = new byte[] { (byte)'d', (byte)'i', (byte)'s', (byte)'k', (byte)'-', 0xFF, 0xFE, (byte)'.', (byte)'r', (byte)'a', (byte)'w' };
        var full = temp.Bytes(name);
        NativeFiles.Create(full, new byte[4096]);
        new Qcow2Bytes { BackingName = name }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        var below = chain.Elements[1];
        Assert.Equal(ChainStatus.Ok, below.Status);
        Assert.Equal("raw", below.Format);
        Assert.Equal(Convert.ToBase64String(full), below.PathBytes);
        Assert.Equal(Convert.ToBase64String(name), below.BackingReferenceBytes);
        Assert.Contains('\uFFFD', below.Path!);
        Assert.Equal(4096, below.VirtualSize);
    }

    [Fact]
    public void AForgedQcow2HeaderInARawFileIsNeverLookedIntoWhenRawIsRecorded()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("secret"), "host file");
        new Qcow2Bytes().WithBacking(temp.File("secret"), "raw").WriteTo(temp.File("guest-disk.raw"));
        new Qcow2Bytes().WithBacking("guest-disk.raw", "raw").WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal(2, chain.Elements.Count);
        Assert.Equal("raw", chain.Elements[1].Format);
        Assert.Equal(new FileInfo(temp.File("guest-disk.raw")).Length, chain.Elements[1].VirtualSize);
        Assert.True(chain.IsHealthy);
    }

    [Fact]
    public void AGuessedFormatWithABackingFileOfItsOwnStopsTheChain()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("secret"), "host file");
        new Qcow2Bytes().WithBacking(temp.File("secret")).WriteTo(temp.File("guest-disk.raw"));
        new Qcow2Bytes { BackingName = "guest-disk.raw"u8.ToArray() }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal(2, chain.Elements.Count);
        var stop = chain.Elements[1];
        Assert.Equal(ChainStatus.FormatUnknown, stop.Status);
        Assert.Null(stop.Format);
        Assert.Contains("not recorded", stop.Message);
        Assert.DoesNotContain(chain.Elements, e => e.Path == temp.File("secret"));
    }

    [Fact]
    public void AGuessedFormatWithoutABackingFileIsAccepted()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
        new Qcow2Bytes { BackingName = "base.qcow2"u8.ToArray() }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal(ChainStatus.Ok, chain.Elements[1].Status);
        Assert.Equal("qcow2", chain.Elements[1].Format);
        Assert.Equal("probed", chain.Elements[1].FormatOrigin);
        Assert.Null(chain.Elements[0].BackingFormat);
    }

    [Fact]
    public void ARecordedFormatThatContradictsTheContentIsInvalid()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "1M");
        new Qcow2Bytes().WithBacking("base.raw", "qcow2").WriteTo(temp.File("top.qcow2"));

        var stop = Resolver.Resolve(temp.File("top.qcow2")).Elements[1];

        Assert.Equal(ChainStatus.Invalid, stop.Status);
        Assert.Equal("qcow2", stop.Format);
        Assert.Contains("no qcow2 header", stop.Message);
    }

    [Fact]
    public void AnUnknownRecordedFormatIsFormatUnknown()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "1M");
        new Qcow2Bytes().WithBacking("base.raw", "bogus").WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal("bogus", chain.Elements[0].BackingFormat);
        Assert.Equal(ChainStatus.FormatUnknown, chain.Elements[1].Status);
        Assert.Null(chain.Elements[1].Format);
    }

    [Theory]
    [InlineData("nbd://server.example:10809/export", "nbd", "server.example:10809")]
    [InlineData("nbd+unix:///export?socket=/run/nbd.sock", "nbd", "unix:/run/nbd.sock")]
    [InlineData("nbd:unix:/run/nbd.sock:exportname=export", "nbd", "unix:/run/nbd.sock")]
    [InlineData("nbd:server.example:10809:exportname=export", "nbd", "server.example:10809")]
    [InlineData("rbd:pool/image:id=admin", "rbd", null)]
    [InlineData("gluster://host/volume/dir/image", "gluster", "host")]
    [InlineData("iscsi://host/iqn.2001-04.com.example:storage/1", "iscsi", "host")]
    [InlineData("https://images.example/base.qcow2", "https", "images.example")]
    [InlineData("ssh://user@host/images/base.qcow2", "ssh", "host")]
    [InlineData("fat:/srv/dir", "fat", null)]
    [InlineData("json:{\"driver\":\"nbd\",\"server\":{\"type\":\"inet\",\"host\":\"h\",\"port\":\"10809\"}}", "nbd", null)]
    public void NetworkReferencesAreShownAndNeverConnected(string reference, string protocol, string? host)
    {
        using var temp = new TempFolder();
        new Qcow2Bytes().WithBacking(reference, "qcow2").WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        var stop = chain.Elements[1];
        Assert.Equal(ChainStatus.NotProbed, stop.Status);
        Assert.Equal("network", stop.Type);
        Assert.Equal(protocol, stop.Protocol);
        Assert.Equal(reference, stop.Path);
        Assert.Equal(reference, stop.BackingReference);
        Assert.Equal(host is null ? Array.Empty<string>() : new[] { host }, stop.Hosts);
        Assert.Null(stop.VirtualSize);
    }

    [Theory]
    [InlineData("foo:bar.qcow2", "Unknown protocol 'foo'")]
    [InlineData("C:\\VMs\\base.qcow2", "Unknown protocol 'C'")]
    [InlineData("json:{not json", "not valid JSON")]
    [InlineData("json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"qcow2\",\"file\":\"x\"}}", "nests")]
    public void OtherProtocolsAreInvalid(string reference, string message)
    {
        using var temp = new TempFolder();
        new Qcow2Bytes().WithBacking(reference, "qcow2").WriteTo(temp.File("top.qcow2"));

        var stop = Resolver.Resolve(temp.File("top.qcow2")).Elements[1];

        Assert.Equal(ChainStatus.Invalid, stop.Status);
        Assert.Contains(message, stop.Message);
    }

    [Fact]
    public void AColonAfterASlashIsPartOfAFileName()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("foo:bar.qcow2"), "qcow2", "1M");
        new Qcow2Bytes().WithBacking("./foo:bar.qcow2", "qcow2").WriteTo(temp.File("top.qcow2"));

        Assert.True(Resolver.Resolve(temp.File("top.qcow2")).IsHealthy);
    }

    [Fact]
    public void JsonReferencesNamingALocalFileAreFollowedWithTheirFormat()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.raw"), "raw", "2M");
        QemuImg.Create(temp.File("mid.qcow2"), "qcow2", "2M");
        var plain = $"json:{{\"driver\":\"file\",\"filename\":\"{temp.File("base.raw")}\"}}";
        var wrapped = $"json:{{\"driver\":\"qcow2\",\"file\":{{\"driver\":\"file\",\"filename\":\"{temp.File("mid.qcow2")}\"}}}}";
        var dotted = $"json:{{\"file.driver\":\"file\",\"file.filename\":\"{temp.File("base.raw")}\"}}";
        new Qcow2Bytes().WithBacking(plain, "raw").WriteTo(temp.File("plain.qcow2"));
        new Qcow2Bytes().WithBacking(wrapped).WriteTo(temp.File("wrapped.qcow2"));
        new Qcow2Bytes().WithBacking(dotted, "raw").WriteTo(temp.File("dotted.qcow2"));

        var first = Resolver.Resolve(temp.File("plain.qcow2")).Elements[1];
        var second = Resolver.Resolve(temp.File("wrapped.qcow2")).Elements[1];
        var third = Resolver.Resolve(temp.File("dotted.qcow2")).Elements[1];

        Assert.Equal((ChainStatus.Ok, "raw", temp.File("base.raw")), (first.Status, first.Format, first.Path));
        Assert.Equal((ChainStatus.Ok, "qcow2", "json", temp.File("mid.qcow2")), (second.Status, second.Format, second.FormatOrigin, second.Path));
        Assert.Equal(plain, first.BackingReference);
        Assert.Equal((ChainStatus.Ok, temp.File("base.raw")), (third.Status, third.Path));
    }

    private static Qcow2Bytes Extension(uint type, uint length)
    {
        var image = new Qcow2Bytes();
        image.Extensions.Add((type, new byte[8]));
        image.Patches.Add((112 + 4, Qcow2Bytes.Be32(length)));
        return image;
    }
}
