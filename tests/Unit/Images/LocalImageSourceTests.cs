using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Images;

/// <summary>Both local providers: the native one (Linux) and the portable one used on other systems.</summary>
public sealed class LocalImageSourceTests
{
    public static TheoryData<bool> Providers => new() { true, false };

    [Theory]
    [MemberData(nameof(Providers))]
    public void ReadsAreBoundedByTheFileAndIdentityIgnoresTheName(bool native)
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("data.img"), Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
        File.CreateSymbolicLink(temp.File("link.img"), temp.File("data.img"));
        var provider = new LocalImageSourceProvider(native);

        using var source = provider.Open(temp.File("data.img")).Source!;
        using var link = provider.Open(temp.File("link.img")).Source!;
        var buffer = new byte[64];

        Assert.Equal(100, source.Length);
        Assert.Equal(36, source.Read(64, buffer));
        Assert.Equal(64, buffer[0]);
        Assert.Equal(0, source.Read(100, buffer));
        Assert.Equal(0, source.Read(-5, buffer));
        Assert.Equal(source.Identity, link.Identity);
        Assert.False(source.IsBlockDevice);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void OpenFailuresCarryStableErrorIds(bool native)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("dir"));
        var provider = new LocalImageSourceProvider(native);

        var missing = provider.Open(temp.File("missing"));
        var directory = provider.Open(temp.File("dir"));
        var empty = provider.Open("");

        Assert.Equal((ImageOpenFailure.Missing, "ImageNotFound"), (missing.Failure!.Value, missing.ErrorId!));
        Assert.Equal((ImageOpenFailure.Unreadable, "ImageIsDirectory"), (directory.Failure!.Value, directory.ErrorId!));
        Assert.Equal(ImageOpenFailure.Missing, empty.Failure);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ASymlinkLoopIsCaughtByEitherProvider(bool native)
    {
        using var temp = new TempFolder();
        new Qcow2Bytes().WithBacking("link.qcow2", "qcow2").WriteTo(temp.File("top.qcow2"));
        File.CreateSymbolicLink(temp.File("link.qcow2"), temp.File("top.qcow2"));

        var chain = new ImageChainResolver(new LocalImageSourceProvider(native)).Resolve(temp.File("top.qcow2"));

        Assert.Equal(new[] { ChainStatus.Ok, ChainStatus.Loop }, chain.Elements.Select(e => e.Status));
    }
}
