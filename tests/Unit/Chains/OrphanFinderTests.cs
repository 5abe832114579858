using LibVirtPS.Engine.Chains;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>Image files that no chain reaches, matched by identity, with their size.</summary>
public sealed class OrphanFinderTests
{
    [Fact]
    public void FilesNoChainReachesAreOrphans()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("pool/base.qcow2"), "qcow2", "1M");
        QemuImg.Create(temp.File("pool/used.qcow2"), "qcow2", "1M", "base.qcow2", "qcow2");
        QemuImg.Create(temp.File("pool/orphan.qcow2"), "qcow2", "1M");
        QemuImg.Create(temp.File("pool/sub/deep-orphan.vmdk"), "vmdk", "1M");
        QemuImg.Create(temp.File("pool/old.img"), "raw", "1M");
        File.WriteAllText(temp.File("pool/notes.txt"), "not an image");
        File.CreateSymbolicLink(temp.File("elsewhere/old-link.img"), temp.File("pool/old.img"));
        Directory.CreateDirectory(temp.File("pool/sub"));
        var referenced = new[] { temp.File("pool/sub/../used.qcow2"), temp.File("elsewhere/old-link.img") };

        var finder = new OrphanFinder();
        var flat = finder.Find(new[] { temp.File("pool") }, recurse: false, referenced);
        var deep = finder.Find(new[] { temp.File("pool") }, recurse: true, referenced);
        var none = finder.Find(new[] { temp.File("pool") }, recurse: false, Array.Empty<string>());

        var orphan = Assert.Single(flat);
        Assert.Equal(temp.File("pool/orphan.qcow2"), orphan.Path);
        Assert.Equal(new FileInfo(temp.File("pool/orphan.qcow2")).Length, orphan.Size);
        Assert.Equal("qcow2", orphan.Format);
        Assert.Equal(new[] { "orphan.qcow2", "deep-orphan.vmdk" }, deep.Select(o => Path.GetFileName(o.Path)));
        Assert.Equal(new[] { "base.qcow2", "old.img", "orphan.qcow2", "used.qcow2" }, none.Select(o => Path.GetFileName(o.Path)));
    }

    [Fact]
    public void ExtentsAndDataFilesOfReferencedImagesAreNotOrphans()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("pool/flat.vmdk"), "vmdk", "1M", options: new[] { "subformat=monolithicFlat" });
        QemuImg.Run("create", "-q", "-f", "qcow2", "-o", $"data_file={temp.File("pool/disk.raw")}", temp.File("pool/with-data.qcow2"), "1M");

        var orphans = new OrphanFinder().Find(new[] { temp.File("pool") }, false, new[] { temp.File("pool/flat.vmdk"), temp.File("pool/with-data.qcow2") });

        Assert.Empty(orphans);
    }
}
