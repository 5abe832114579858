using System.Diagnostics;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Images;

/// <summary>
/// Mutated headers of every format, read in memory: no exception escapes a reader or the walker, no walk takes long,
/// and no header read allocates more than a small bound whatever its size fields say.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 4000;
    private const long AllocationBound = 1 << 20;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Fact]
    public void MutatedHeadersNeverThrowHangOrAllocateMuch()
    {
        var seeds = Seeds();
        var random = new Random(20261126);
        var clock = Stopwatch.StartNew();
        var statuses = new HashSet<ChainStatus>();
        for (var i = 0; i < Iterations && clock.Elapsed < Budget; i++)
        {
            var (name, seed) = seeds[random.Next(seeds.Count)];
            var image = Mutate(seed, random);
            var images = new MemoryImages { ["top"] = image, ["base.qcow2"] = seeds[0].Bytes, ["parent.vhd"] = image, ["b"] = image };

            foreach (var format in ImageFormats.All)
            {
                using var source = images.Open("top").Source!;
                var before = GC.GetAllocatedBytesForCurrentThread();
                var header = format.Read(source);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < AllocationBound, $"{format.Name} reader allocated {allocated} bytes on a mutated {name}");
                Assert.NotNull(header.Format);
            }

            var walk = Stopwatch.StartNew();
            var chain = new ImageChainResolver(images).Resolve("top", maxDepth: 20);
            Assert.True(walk.Elapsed < TimeSpan.FromSeconds(2), $"a walk of a mutated {name} took {walk.Elapsed}");
            Assert.NotEmpty(chain.Elements);
            Assert.DoesNotContain(chain.Elements, e => e.Message is not null && e.Message.Contains("could not be parsed"));
            statuses.UnionWith(chain.Elements.Select(e => e.Status));
        }

        // The mutations reach the interesting outcomes, not only Ok.
        Assert.Contains(ChainStatus.Invalid, statuses);
        Assert.Contains(ChainStatus.Ok, statuses);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var image = (byte[])seed.Clone();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            var hot = random.Next(4) == 0 ? image.Length : Math.Min(image.Length, 1024);
            var at = random.Next(Math.Max(1, hot));
            switch (random.Next(5))
            {
                case 0:
                    image[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    image[at] = (byte)random.Next(256);
                    break;
                case 2:
                    // A size or offset field set to an extreme.
                    var extreme = random.Next(3) switch { 0 => (byte)0xFF, 1 => (byte)0x00, _ => (byte)0x7F };
                    for (var k = at; k < Math.Min(image.Length, at + 4 + random.Next(5)); k++)
                    {
                        image[k] = extreme;
                    }

                    break;
                case 3:
                    image = image.AsSpan(0, random.Next(image.Length + 1)).ToArray();
                    return image;
                default:
                    var tail = "base.qcow2"u8;
                    if (at + tail.Length < image.Length)
                    {
                        tail.CopyTo(image.AsSpan(at));
                    }

                    break;
            }
        }

        return image;
    }

    /// <summary>One well-formed image of each format, built in memory.</summary>
    private static List<(string Name, byte[] Bytes)> Seeds()
    {
        var qcow2 = new Qcow2Bytes().WithBacking("base.qcow2", "qcow2").Build();
        var qcow2Plain = new Qcow2Bytes().Build();
        var qcow = new byte[4096];
        new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xFB, 0, 0, 0, 1 }.CopyTo(qcow, 0);
        Qcow2Bytes.Be64(48).CopyTo(qcow, 8);
        Qcow2Bytes.Be32(10).CopyTo(qcow, 16);
        Qcow2Bytes.Be64(1 << 20).CopyTo(qcow, 24);
        qcow[32] = 12;
        qcow[33] = 9;
        "base.qcow2"u8.CopyTo(qcow.AsSpan(48));
        var qed = new byte[8192];
        "QED\0"u8.CopyTo(qed);
        BitConverter.GetBytes(4096u).CopyTo(qed, 4);
        BitConverter.GetBytes(4u).CopyTo(qed, 8);
        BitConverter.GetBytes(1u).CopyTo(qed, 12);
        BitConverter.GetBytes(1UL).CopyTo(qed, 16);
        BitConverter.GetBytes(1UL << 20).CopyTo(qed, 48);
        BitConverter.GetBytes(64u).CopyTo(qed, 56);
        BitConverter.GetBytes(10u).CopyTo(qed, 60);
        "base.qcow2"u8.CopyTo(qed.AsSpan(64));
        var vmdkText = System.Text.Encoding.ASCII.GetBytes(
            "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=87654321\ncreateType=\"monolithicSparse\"\n" +
            "parentFileNameHint=\"base.qcow2\"\nRW 2048 SPARSE \"top\"\n");
        var vmdk = new byte[512 + 10240];
        "KDMV"u8.CopyTo(vmdk);
        BitConverter.GetBytes(1u).CopyTo(vmdk, 4);
        BitConverter.GetBytes(2048UL).CopyTo(vmdk, 12);
        BitConverter.GetBytes(1UL).CopyTo(vmdk, 28);
        BitConverter.GetBytes(20UL).CopyTo(vmdk, 36);
        vmdkText.CopyTo(vmdk, 512);
        var vhd = new VhdBytes().Locator(VhdBytes.W2ru, @".\parent.vhd").Locator(VhdBytes.MacX, "file://localhost/b").Build();
        var vhdx = new VhdxBytes().Entry("parent_linkage", "{0}").Entry("relative_path", "b").Build();
        var luks = new byte[4096];
        new byte[] { (byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE, 0, 1 }.CopyTo(luks, 0);
        Qcow2Bytes.Be32(4).CopyTo(luks, 104);
        return new List<(string, byte[])>
        {
            ("qcow2", qcow2), ("qcow2-plain", qcow2Plain), ("qcow", qcow), ("qed", qed), ("vmdk", vmdk),
            ("vmdk-descriptor", vmdkText), ("vhd", vhd), ("vhdx", vhdx), ("luks", luks),
        };
    }
}
