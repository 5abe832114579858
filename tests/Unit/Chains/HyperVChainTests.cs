using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>
/// Differencing VHD and VHDX disks (which qemu can neither create nor follow), written per their specifications over
/// parents made by qemu-img.
/// </summary>
public sealed class HyperVChainTests
{
    private static readonly ImageChainResolver Resolver = new();

    [Fact]
    public void ADifferencingVhdFollowsItsRelativeLocator()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("parent.vhd"), "vpc", "64M");
        new VhdBytes { ParentUniqueId = VhdBytes.UniqueIdOf(temp.File("parent.vhd")), ParentName = "parent.vhd" }
            .Locator(VhdBytes.W2ku, @"C:\VMs\parent.vhd")
            .Locator(VhdBytes.W2ru, @".\parent.vhd")
            .WriteTo(temp.File("child.vhd"));

        var chain = Resolver.Resolve(temp.File("child.vhd"));

        Assert.True(chain.IsHealthy, string.Join("; ", chain.Elements.Select(e => e.Message)));
        Assert.Equal(new[] { "vpc", "vpc" }, chain.Elements.Select(e => e.Format));
        Assert.Equal(@".\parent.vhd", chain.Elements[1].BackingReference);
        Assert.Equal(temp.File("./parent.vhd"), chain.Elements[1].Path);
        Assert.Equal("vpc", chain.Elements[0].BackingFormat);
        Assert.Equal("implied", chain.Elements[1].FormatOrigin);
        Assert.Equal(64L << 20, chain.Elements[0].VirtualSize);
        Assert.Equal(QemuImg.Info(temp.File("parent.vhd"))["virtual-size"]!.GetValue<long>(), chain.Elements[1].VirtualSize);
        Assert.Empty(chain.Elements[1].Findings);
    }

    [Fact]
    public void AVhdWhoseParentIdDiffersIsFollowedWithAFinding()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("parent.vhd"), "vpc", "16M");
        new VhdBytes { ParentUniqueId = Guid.NewGuid().ToByteArray() }.Locator(VhdBytes.W2ru, @".\parent.vhd").WriteTo(temp.File("child.vhd"));

        var chain = Resolver.Resolve(temp.File("child.vhd"));

        Assert.Equal(ChainStatus.Ok, chain.Elements[1].Status);
        Assert.Contains(chain.Elements[1].Findings, f => f.Contains("expects a parent with id"));
    }

    [Fact]
    public void AVhdWithOnlyAnAbsoluteWindowsLocatorIsMissingHere()
    {
        using var temp = new TempFolder();
        new VhdBytes().Locator(VhdBytes.W2ku, @"C:\VMs\parent.vhd").WriteTo(temp.File("child.vhd"));

        var chain = Resolver.Resolve(temp.File("child.vhd"));

        Assert.Equal(ChainStatus.Missing, chain.Elements[1].Status);
        Assert.Equal(@"C:\VMs\parent.vhd", chain.Elements[1].BackingReference);
    }

    [Fact]
    public void ADifferencingVhdChainOfThreeAcrossFolders()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("base/root.vhd"), "vpc", "16M");
        new VhdBytes { Size = 16 << 20, ParentUniqueId = VhdBytes.UniqueIdOf(temp.File("base/root.vhd")) }
            .Locator(VhdBytes.W2ru, @"..\base\root.vhd").WriteTo(temp.File("mid/mid.vhd"));
        new VhdBytes { Size = 16 << 20, ParentUniqueId = VhdBytes.UniqueIdOf(temp.File("mid/mid.vhd")) }
            .Locator(VhdBytes.W2ru, @"..\mid\mid.vhd").WriteTo(temp.File("top/top.vhd"));

        var chain = Resolver.Resolve(temp.File("top/top.vhd"));

        Assert.True(chain.IsHealthy);
        Assert.Equal(3, chain.Elements.Count);
        Assert.Equal(temp.Root + "/top/../mid/../base/root.vhd", chain.Elements[2].Path);
        Assert.All(chain.Elements, e => Assert.Empty(e.Findings));
    }

    [Fact]
    public void VhdSizesFollowTheCreatorRule()
    {
        using var temp = new TempFolder();
        new VhdBytes { DiskType = 3, Creator = "vpc ", Size = 64 << 20 }.WriteTo(temp.File("chs.vhd"));
        new VhdBytes { DiskType = 3, Creator = "win ", Size = 64 << 20 }.WriteTo(temp.File("win.vhd"));
        new VhdBytes { DiskType = 3, Creator = "tap", Size = 64 << 20 }.WriteTo(temp.File("tap.vhd"));
        var (c, h, s) = VhdBytes.Geometry((64 << 20) / 512);

        var chs = Assert.Single(Resolver.Resolve(temp.File("chs.vhd")).Elements);
        var win = Assert.Single(Resolver.Resolve(temp.File("win.vhd")).Elements);
        var tap = Assert.Single(Resolver.Resolve(temp.File("tap.vhd")).Elements);

        Assert.Equal(c * h * s * 512, chs.VirtualSize);
        Assert.Equal(QemuImg.Info(temp.File("chs.vhd"))["virtual-size"]!.GetValue<long>(), chs.VirtualSize);
        Assert.Equal(64L << 20, win.VirtualSize);
        Assert.Equal(64L << 20, tap.VirtualSize);
    }

    [Fact]
    public void ADifferencingVhdxFollowsRelativePathAndChecksTheLinkage()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("parent.vhdx"), "vhdx", "64M");
        var linkage = VhdxBytes.DataWriteGuidOf(temp.File("parent.vhdx"));
        new VhdxBytes()
            .Entry("parent_linkage", linkage)
            .Entry("absolute_win32_path", @"\\?\C:\VMs\parent.vhdx")
            .Entry("relative_path", @".\parent.vhdx")
            .WriteTo(temp.File("child.vhdx"));

        var chain = Resolver.Resolve(temp.File("child.vhdx"));

        Assert.True(chain.IsHealthy, string.Join("; ", chain.Elements.Select(e => e.Message)));
        Assert.Equal(new[] { "vhdx", "vhdx" }, chain.Elements.Select(e => e.Format));
        Assert.Equal(@".\parent.vhdx", chain.Elements[1].BackingReference);
        Assert.Equal(64L << 20, chain.Elements[0].VirtualSize);
        Assert.Empty(chain.Elements[1].Findings);
    }

    [Fact]
    public void AVhdxWithAWrongLinkageIsFollowedWithAFinding()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("parent.vhdx"), "vhdx", "16M");
        new VhdxBytes().Entry("parent_linkage", Guid.NewGuid().ToString("B")).Entry("relative_path", "parent.vhdx").WriteTo(temp.File("child.vhdx"));

        var chain = Resolver.Resolve(temp.File("child.vhdx"));

        Assert.Contains(chain.Elements[1].Findings, f => f.Contains("expects a parent"));
    }

    [Fact]
    public void VhdxHostileLocatorsAndHeadersAreInvalid()
    {
        using var temp = new TempFolder();
        new VhdxBytes().Entry("parent_linkage", "{0}").WriteTo(temp.File("no-path.vhdx"));
        new VhdxBytes { CorruptBothHeaders = true }.WriteTo(temp.File("bad-headers.vhdx"));
        var truncated = new VhdxBytes().Entry("relative_path", "p.vhdx").Build().AsSpan(0, 200000).ToArray();
        File.WriteAllBytes(temp.File("truncated.vhdx"), truncated);

        foreach (var name in new[] { "no-path.vhdx", "bad-headers.vhdx", "truncated.vhdx" })
        {
            var only = Assert.Single(Resolver.Resolve(temp.File(name)).Elements);
            Assert.Equal(ChainStatus.Invalid, only.Status);
            Assert.Equal("vhdx", only.Format);
        }
    }

    [Fact]
    public void AVhdxMissingItsParentEndsWithTheRelativePath()
    {
        using var temp = new TempFolder();
        new VhdxBytes().Entry("relative_path", @"..\gone\parent.vhdx").WriteTo(temp.File("child.vhdx"));

        var chain = Resolver.Resolve(temp.File("child.vhdx"));

        Assert.Equal(ChainStatus.Missing, chain.Elements[1].Status);
        Assert.Equal(temp.Root + "/../gone/parent.vhdx", chain.Elements[1].Path);
        Assert.Equal("vhdx", chain.Elements[1].Format);
    }
}
