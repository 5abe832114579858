using LibVirtPS.Engine.Images;
using Xunit;

namespace LibVirtPS.Tests.Images;

/// <summary>Every format qemu-img can create is recognised by content, with the virtual size qemu-img reports.</summary>
public sealed class FormatReaderTests
{
    public static TheoryData<string, string, string, string[]> Created => new()
    {
        { "qcow2-v3", "qcow2", "64M", new[] { "compat=1.1" } },
        { "qcow2-v2", "qcow2", "64M", new[] { "compat=0.10" } },
        { "qcow2-4k-clusters", "qcow2", "10M", new[] { "cluster_size=4096" } },
        { "qcow", "qcow", "32M", Array.Empty<string>() },
        { "qed", "qed", "64M", Array.Empty<string>() },
        { "vmdk-sparse", "vmdk", "64M", Array.Empty<string>() },
        { "vmdk-stream", "vmdk", "64M", new[] { "subformat=streamOptimized" } },
        { "vpc-dynamic", "vpc", "64M", Array.Empty<string>() },
        { "vpc-dynamic-current-size", "vpc", "64M", new[] { "force_size=on" } },
        { "vhdx", "vhdx", "64M", Array.Empty<string>() },
        { "vdi", "vdi", "48M", Array.Empty<string>() },
        { "parallels", "parallels", "64M", Array.Empty<string>() },
        { "raw", "raw", "3M", Array.Empty<string>() },
    };

    [Theory]
    [MemberData(nameof(Created))]
    public void TheProbedFormatAndSizeMatchQemu(string name, string format, string size, string[] options)
    {
        using var temp = new TempFolder();
        var path = temp.File(name + "." + format);
        QemuImg.Create(path, format, size, options: options);
        var qemu = QemuImg.Info(path);

        var header = Probe(path);

        Assert.Equal(qemu["format"]!.GetValue<string>(), header.Format);
        Assert.Equal(qemu["virtual-size"]!.GetValue<long>(), header.VirtualSize);
        Assert.Null(header.Invalid);
        Assert.False(header.HasBacking);
    }

    [Fact]
    public void AFixedVhdProbesAsRawButReadsAsVpcWhenStated()
    {
        using var temp = new TempFolder();
        var path = temp.File("fixed.vhd");
        QemuImg.Create(path, "vpc", "64M", options: new[] { "subformat=fixed" });

        using var source = Open(path);
        Assert.Equal("raw", ImageFormats.Probe(source).Name);
        var stated = ImageFormats.ReadHeader(ImageFormats.Find("vpc")!, source);

        Assert.Equal("fixed", stated.Variant);
        Assert.Equal(QemuImg.Info(path, "vpc")["virtual-size"]!.GetValue<long>(), stated.VirtualSize);
    }

    [Fact]
    public void AVmdkDescriptorFileSumsItsExtentsAndListsThemWithoutOpeningThem()
    {
        using var temp = new TempFolder();
        var path = temp.File("flat.vmdk");
        QemuImg.Create(path, "vmdk", "20M", options: new[] { "subformat=twoGbMaxExtentFlat" });

        var header = Probe(path);

        Assert.Equal("vmdk", header.Format);
        Assert.Equal("twoGbMaxExtentFlat", header.Variant);
        Assert.Equal(QemuImg.Info(path)["virtual-size"]!.GetValue<long>(), header.VirtualSize);
        Assert.Equal(new[] { "flat-f001.vmdk" }, header.Extents);
    }

    [Fact]
    public void AVmdkDeltaNamesItsParentByHintWithTheImpliedFormat()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base.vmdk"), "vmdk", "16M");
        QemuImg.Create(temp.File("delta.vmdk"), "vmdk", "16M", backing: "base.vmdk", backingFormat: "vmdk");

        var header = Probe(temp.File("delta.vmdk"));

        Assert.Equal("base.vmdk", Assert.Single(header.Backing).Text);
        Assert.Equal("vmdk", header.BackingFormat);
        Assert.NotNull(header.ParentId);
    }

    [Fact]
    public void ALuksVolumeIsSizedWithoutItsPayloadOffsetAndWithoutAKey()
    {
        using var temp = new TempFolder();
        var path = temp.File("secret.luks");
        // qemu first times its key derivation by thread CPU time, which a loaded machine can report as zero ("Unable
        // to get accurate CPU usage"). That is qemu's measurement failing, not the image: try again, and use SHA-512
        // so that each timing round runs long enough to register.
        string[] create = { "create", "-q", "-f", "luks", "--object", "secret,id=sec0,data=letmein", "-o", "key-secret=sec0,iter-time=50,hash-alg=sha512", path, "8M" };
        var created = QemuImg.TryRun(create);
        for (var attempt = 1; attempt < 30 && created.Code != 0 && created.Error.Contains("CPU usage"); attempt++)
        {
            created = QemuImg.TryRun(create);
        }

        Assert.True(created.Code == 0, created.Error);

        var header = Probe(path);

        Assert.Equal("luks", header.Format);
        Assert.Equal(QemuImg.Info(path)["virtual-size"]!.GetValue<long>(), header.VirtualSize);
    }

    [Fact]
    public void Qcow2RecordsItsBackingFormatAndDataFile()
    {
        using var temp = new TempFolder();
        var data = temp.File("disk.data");
        QemuImg.Create(temp.File("base.raw"), "raw", "16M");
        QemuImg.Run("create", "-q", "-f", "qcow2", "-o", $"data_file={data}", temp.File("with-data.qcow2"), "16M");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", backing: "base.raw", backingFormat: "raw");

        var top = Probe(temp.File("top.qcow2"));
        var withData = Probe(temp.File("with-data.qcow2"));

        Assert.Equal("raw", top.BackingFormat);
        Assert.Equal("base.raw", Assert.Single(top.Backing).Text);
        Assert.Equal(data, withData.DataFile);
        Assert.False(withData.HasBacking);
    }

    [Fact]
    public void AnIsoIsRawWithTheIsoVariant()
    {
        using var temp = new TempFolder();
        var path = temp.File("disc.iso");
        var bytes = new byte[34816];
        "CD001"u8.CopyTo(bytes.AsSpan(32769));
        File.WriteAllBytes(path, bytes);

        var header = Probe(path);

        Assert.Equal("raw", header.Format);
        Assert.Equal("iso", header.Variant);
        Assert.Equal(34816, header.VirtualSize);
    }

    internal static IImageSource Open(string path) =>
        LocalImageSourceProvider.Instance.Open(path).Source ?? throw new InvalidOperationException($"cannot open {path}");

    internal static ImageHeader Probe(string path)
    {
        using var source = Open(path);
        return ImageFormats.ReadHeader(ImageFormats.Probe(source), source);
    }
}
