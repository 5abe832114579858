using System.Text;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Loops of every shape are caught by file identity at once; a chain stops with one element for the target.</summary>
public sealed class LoopAndStopTests
{
    private static readonly ImageChainResolver Resolver = new();

    private static void Qcow2(string path, string backing) => new Qcow2Bytes().WithBacking(backing, "qcow2").WriteTo(path);

    [Theory]
    [InlineData("self.qcow2")]
    [InlineData("./self.qcow2")]
    [InlineData("../loop/self.qcow2")]
    [InlineData("../loop/./../loop/self.qcow2")]
    public void AnImageNamingItselfIsALoopAtDepthOne(string reference)
    {
        using var temp = new TempFolder();
        var self = temp.File("loop/self.qcow2");
        Qcow2(self, reference);

        var chain = Resolver.Resolve(self);

        Assert.Equal(2, chain.Elements.Count);
        Assert.Equal(ChainStatus.Ok, chain.Elements[0].Status);
        Assert.Equal(ChainStatus.Loop, chain.Elements[1].Status);
        Assert.Equal(reference, chain.Elements[1].BackingReference);
        Assert.Equal(Path.Combine(temp.Root, "loop", reference), chain.Elements[1].Path);
        Assert.Null(chain.Elements[1].VirtualSize);
        Assert.Contains("depth 0", chain.Elements[1].Message);
    }

    [Fact]
    public void TwoAndThreeWayLoopsAreCaughtWhenTheFirstImageComesBack()
    {
        using var temp = new TempFolder();
        Qcow2(temp.File("a.qcow2"), "b.qcow2");
        Qcow2(temp.File("b.qcow2"), "a.qcow2");
        Qcow2(temp.File("x.qcow2"), "y.qcow2");
        Qcow2(temp.File("y.qcow2"), "z.qcow2");
        Qcow2(temp.File("z.qcow2"), "x.qcow2");

        var two = Resolver.Resolve(temp.File("a.qcow2"));
        var three = Resolver.Resolve(temp.File("x.qcow2"));

        Assert.Equal(new[] { ChainStatus.Ok, ChainStatus.Ok, ChainStatus.Loop }, two.Elements.Select(e => e.Status));
        Assert.Equal(new[] { ChainStatus.Ok, ChainStatus.Ok, ChainStatus.Ok, ChainStatus.Loop }, three.Elements.Select(e => e.Status));
        Assert.Equal(temp.File("x.qcow2"), three.Elements[3].Path);
    }

    [Fact]
    public void LoopsThroughSymlinksAndHardLinksAreCaughtByIdentity()
    {
        using var temp = new TempFolder();
        Qcow2(temp.File("via-link.qcow2"), "link.qcow2");
        File.CreateSymbolicLink(temp.File("link.qcow2"), temp.File("via-link.qcow2"));
        Qcow2(temp.File("via-hard.qcow2"), "hard.qcow2");
        NativeFiles.HardLink(temp.File("via-hard.qcow2"), temp.File("hard.qcow2"));

        var link = Resolver.Resolve(temp.File("via-link.qcow2"));
        var hard = Resolver.Resolve(temp.File("via-hard.qcow2"));

        Assert.Equal(ChainStatus.Loop, link.Elements[1].Status);
        Assert.Equal(temp.File("link.qcow2"), link.Elements[1].Path);
        Assert.Equal(ChainStatus.Loop, hard.Elements[1].Status);
    }

    [Fact]
    public void ALoopBelowAnOkPrefixNamesTheEarlierDepth()
    {
        using var temp = new TempFolder();
        Qcow2(temp.File("top.qcow2"), "mid.qcow2");
        Qcow2(temp.File("mid.qcow2"), "base.qcow2");
        Qcow2(temp.File("base.qcow2"), "mid.qcow2");

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        Assert.Equal(4, chain.Elements.Count);
        Assert.Equal(ChainStatus.Loop, chain.Elements[3].Status);
        Assert.Contains("depth 1", chain.Elements[3].Message);
    }

    [Fact]
    public void AMissingBackingFileEndsTheChainWithItsResolvedPath()
    {
        using var temp = new TempFolder();
        Qcow2(temp.File("top.qcow2"), "gone/base.qcow2");

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        var last = chain.Elements[1];
        Assert.Equal(ChainStatus.Missing, last.Status);
        Assert.Equal(temp.File("gone/base.qcow2"), last.Path);
        Assert.Equal("gone/base.qcow2", last.BackingReference);
        Assert.Equal("qcow2", last.Format);
        Assert.Null(last.VirtualSize);
        Assert.Equal(1, last.Depth);
    }

    [Fact]
    public void ADirectoryFifoOrSocketBackingIsUnreadableAndNothingBlocks()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("dir.qcow2"));
        NativeFiles.Fifo(temp.File("fifo.qcow2"));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(temp.File("sock.qcow2")));
        foreach (var name in new[] { "dir.qcow2", "fifo.qcow2", "sock.qcow2" })
        {
            Qcow2(temp.File("over-" + name), name);
        }

        var started = DateTime.UtcNow;
        var statuses = new[] { "dir.qcow2", "fifo.qcow2", "sock.qcow2" }
            .Select(n => Resolver.Resolve(temp.File("over-" + n)).Elements[1].Status).ToList();

        Assert.All(statuses, s => Assert.Equal(ChainStatus.Unreadable, s));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("missing", "ImageNotFound")]
    [InlineData("dir", "ImageIsDirectory")]
    [InlineData("fifo", "ImageNotRegularFile")]
    [InlineData("dangling", "ImageNotFound")]
    [InlineData("symlink-loop", "ImageSymlinkLoop")]
    [InlineData("too-long", "ImagePathTooLong")]
    [InlineData("not-a-dir", "ImageNotFound")]
    public void ATopThatCannotBeOpenedGivesAnErrorAndNoElement(string kind, string errorId)
    {
        using var temp = new TempFolder();
        var path = temp.File(kind);
        switch (kind)
        {
            case "dir":
                Directory.CreateDirectory(path);
                break;
            case "fifo":
                NativeFiles.Fifo(path);
                break;
            case "dangling":
                File.CreateSymbolicLink(path, temp.File("nowhere"));
                break;
            case "symlink-loop":
                File.CreateSymbolicLink(path, path);
                break;
            case "too-long":
                path = temp.File(new string('x', 300));
                break;
            case "not-a-dir":
                File.WriteAllText(path, "file");
                path += "/below";
                break;
        }

        var chain = Resolver.Resolve(path);

        Assert.Empty(chain.Elements);
        Assert.NotNull(chain.Error);
        Assert.Equal(errorId, chain.Error!.ErrorId);
        Assert.Equal(path, chain.Error.Path);
        Assert.False(chain.IsHealthy);
    }

    [Theory]
    [InlineData(1023, ChainStatus.Missing)]
    [InlineData(300, ChainStatus.Missing)]
    [InlineData(1024, ChainStatus.Invalid)]
    public void LongBackingNamesAreMissingWithinTheLimitAndInvalidBeyondIt(int length, ChainStatus expected)
    {
        using var temp = new TempFolder();
        new Qcow2Bytes { BackingName = Encoding.ASCII.GetBytes(new string('n', length)) }.WriteTo(temp.File("top.qcow2"));

        var chain = Resolver.Resolve(temp.File("top.qcow2"));

        var stop = chain.Elements[^1];
        Assert.Equal(expected, stop.Status);
        if (expected == ChainStatus.Invalid)
        {
            Assert.Single(chain.Elements);
            Assert.Contains("too long", stop.Message);
        }
        else
        {
            Assert.Equal(length, stop.BackingReference!.Length);
        }
    }
}
