using System.Text.Json.Nodes;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>
/// Where qemu's answer is the right one (sound chains with recorded formats), our chain equals
/// qemu-img info --backing-chain --output=json element by element.
/// </summary>
public sealed class DifferentialTests
{
    public static TheoryData<string> Cases => new()
    {
        "qcow2-qcow2-raw", "absolute", "across-folders", "qed-over-raw", "vmdk-delta", "qcow2-over-vpc", "qcow2-over-vhdx",
        "qcow-over-qcow2", "depth-50", "symlinked-overlay", "qcow2-v2-over-qed",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OurChainEqualsQemuImg(string name)
    {
        using var temp = new TempFolder();
        var top = Build(temp, name);

        var qemu = QemuImg.InfoChain(top);
        var ours = new ImageChainResolver().Resolve(top);

        Assert.True(ours.IsHealthy, string.Join("; ", ours.Elements.Select(e => $"{e.Depth} {e.Status} {e.Message}")));
        Assert.Equal(qemu.Count, ours.Elements.Count);
        for (var i = 0; i < qemu.Count; i++)
        {
            var q = (JsonObject)qemu[i]!;
            var e = ours.Elements[i];
            Assert.Equal(q["filename"]!.GetValue<string>(), e.Path);
            Assert.Equal(q["format"]!.GetValue<string>(), e.Format);
            Assert.Equal(q["virtual-size"]!.GetValue<long>(), e.VirtualSize);
            Assert.Equal(q["backing-filename-format"]?.GetValue<string>(), e.BackingFormat);
            if (i + 1 < qemu.Count)
            {
                Assert.Equal(q["backing-filename"]!.GetValue<string>(), ours.Elements[i + 1].BackingReference);
                Assert.Equal(q["full-backing-filename"]!.GetValue<string>(), ours.Elements[i + 1].Path);
            }
            else
            {
                Assert.Null(q["backing-filename"]);
            }
        }
    }

    private static string Build(TempFolder temp, string name)
    {
        switch (name)
        {
            case "qcow2-qcow2-raw":
                QemuImg.Create(temp.File("base.raw"), "raw", "64M");
                QemuImg.Create(temp.File("mid.qcow2"), "qcow2", "64M", "base.raw", "raw");
                QemuImg.Create(temp.File("top.qcow2"), "qcow2", "64M", "mid.qcow2", "qcow2");
                return temp.File("top.qcow2");
            case "absolute":
                QemuImg.Create(temp.File("pool/base.qcow2"), "qcow2", "32M");
                QemuImg.Create(temp.File("vm/top.qcow2"), "qcow2", "32M", temp.File("pool/base.qcow2"), "qcow2");
                return temp.File("vm/top.qcow2");
            case "across-folders":
                QemuImg.Create(temp.File("b/base.qcow2"), "qcow2", "32M");
                QemuImg.Create(temp.File("a/c/top.qcow2"), "qcow2", "32M", "../../b/base.qcow2", "qcow2");
                return temp.File("a/c/top.qcow2");
            case "qed-over-raw":
                QemuImg.Create(temp.File("base.img"), "raw", "8M");
                QemuImg.Create(temp.File("top.qed"), "qed", "8M", "base.img", "raw");
                return temp.File("top.qed");
            case "vmdk-delta":
                QemuImg.Create(temp.File("base.vmdk"), "vmdk", "16M");
                QemuImg.Create(temp.File("delta.vmdk"), "vmdk", "16M", "base.vmdk", "vmdk");
                return temp.File("delta.vmdk");
            case "qcow2-over-vpc":
                QemuImg.Create(temp.File("base.vhd"), "vpc", "16M");
                QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", "base.vhd", "vpc");
                return temp.File("top.qcow2");
            case "qcow2-over-vhdx":
                QemuImg.Create(temp.File("base.vhdx"), "vhdx", "16M");
                QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", "base.vhdx", "vhdx");
                return temp.File("top.qcow2");
            case "qcow-over-qcow2":
                QemuImg.Create(temp.File("base.qcow2"), "qcow2", "16M");
                QemuImg.Create(temp.File("top.qcow"), "qcow", "16M", "base.qcow2", "qcow2");
                return temp.File("top.qcow");
            case "depth-50":
                return ChainBuilder.Qcow2Chain(temp, 50);
            case "symlinked-overlay":
                QemuImg.Create(temp.File("real/base.qcow2"), "qcow2", "16M");
                QemuImg.Create(temp.File("real/top.qcow2"), "qcow2", "16M", "base.qcow2", "qcow2");
                File.CreateSymbolicLink(temp.File("links/top.qcow2"), temp.File("real/top.qcow2"));
                File.CreateSymbolicLink(temp.File("links/base.qcow2"), temp.File("real/base.qcow2"));
                return temp.File("links/top.qcow2");
            case "qcow2-v2-over-qed":
                QemuImg.Create(temp.File("base.qed"), "qed", "16M");
                QemuImg.Create(temp.File("top.qcow2"), "qcow2", "16M", "base.qed", "qed", "compat=0.10");
                return temp.File("top.qcow2");
            default:
                throw new ArgumentOutOfRangeException(nameof(name));
        }
    }

    [Fact]
    public void WhereQemuFollowsAGuessedFormatIntoAForgedHeaderWeStop()
    {
        using var temp = new TempFolder();
        QemuImg.Create(temp.File("host-secret.raw"), "raw", "1M");
        QemuImg.Create(temp.File("guest.raw"), "qcow2", "1M", temp.File("host-secret.raw"), "raw");
        QemuImg.Create(temp.File("top.qcow2"), "qcow2", "1M", "guest.raw", "raw");
        QemuImg.ForgetBackingFormat(temp.File("top.qcow2"));

        var qemu = QemuImg.InfoChain(temp.File("top.qcow2"));
        var ours = new ImageChainResolver().Resolve(temp.File("top.qcow2"));

        // qemu probes the unrecorded format and walks on to the host file; the safety rule stops at the guessed image.
        Assert.Equal(3, qemu.Count);
        Assert.Equal(2, ours.Elements.Count);
        Assert.Equal(ChainStatus.FormatUnknown, ours.Elements[1].Status);
    }
}
