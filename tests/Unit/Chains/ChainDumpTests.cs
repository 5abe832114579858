using System.Text;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Model;
using LibVirtPS.Tests.Images;
using Xunit;

namespace LibVirtPS.Tests.Chains;

/// <summary>
/// Tiny hostile images kept in tests/data/chain/images, named after the chain they form, and the expected chain of
/// each case as a text dump in tests/data/chain/out/case.txt with the folder replaced by &lt;dir&gt;. Setting
/// LIBVIRTPS_REWRITE_CHAIN_DATA=1 rewrites images and dumps from the builders below: review every change it makes.
/// </summary>
public sealed class ChainDumpTests
{
    private static readonly string DataRoot = Path.Combine(AppContext.BaseDirectory, "data", "chain");

    /// <summary>Case name, its top image, and the images the case needs (file name and builder).</summary>
    private static readonly (string Case, string Top, (string File, Func<byte[]> Build)[] Images)[] Cases =
    {
        ("loop-self", "loop-self.qcow2", new[] { ("loop-self.qcow2", Tiny("loop-self.qcow2", "qcow2")) }),
        ("loop-two-way", "loop-two-way-a.qcow2", new[]
        {
            ("loop-two-way-a.qcow2", Tiny("loop-two-way-b.qcow2", "qcow2")), ("loop-two-way-b.qcow2", Tiny("./loop-two-way-a.qcow2", "qcow2")),
        }),
        ("missing-base", "missing-base.qcow2", new[] { ("missing-base.qcow2", Tiny("missing-base-gone.qcow2", "qcow2")) }),
        ("forged-raw-recorded-raw", "forged-raw-top.qcow2", new[]
        {
            ("forged-raw-top.qcow2", Tiny("forged-raw-guest.raw", "raw")), ("forged-raw-guest.raw", Tiny("/etc/shadow", "raw")),
        }),
        ("forged-raw-unrecorded", "forged-unrecorded-top.qcow2", new[]
        {
            ("forged-unrecorded-top.qcow2", Tiny("forged-unrecorded-guest.raw", null)), ("forged-unrecorded-guest.raw", Tiny("/etc/shadow", null)),
        }),
        ("version-4", "version-4.qcow2", new[] { ("version-4.qcow2", (Func<byte[]>)(() => new Qcow2Bytes { Version = 4, ClusterBits = 9 }.Build())) }),
        ("backing-name-nul", "backing-name-nul.qcow2", new[]
        {
            ("backing-name-nul.qcow2", (Func<byte[]>)(() => new Qcow2Bytes { ClusterBits = 9, BackingName = "backing-name-nul-base.qcow2\0junk"u8.ToArray() }.Build())),
            ("backing-name-nul-base.qcow2", Tiny(null, null)),
        }),
        ("network-nbd", "network-nbd.qcow2", new[] { ("network-nbd.qcow2", Tiny("nbd://nbd.example:10809/export", "raw")) }),
        ("bogus-format", "bogus-format.qcow2", new[]
        {
            ("bogus-format.qcow2", Tiny("bogus-format-base.raw", "bogus")), ("bogus-format-base.raw", (Func<byte[]>)(() => new byte[1024])),
        }),
    };

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Cases)
            {
                data.Add(c.Case);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TheChainMatchesItsDump(string name)
    {
        var (_, top, images) = Cases.Single(c => c.Case == name);
        var rewrite = Environment.GetEnvironmentVariable("LIBVIRTPS_REWRITE_CHAIN_DATA") == "1";
        using var temp = new TempFolder();
        foreach (var (file, build) in images)
        {
            var bytes = rewrite ? build() : File.ReadAllBytes(Path.Combine(DataRoot, "images", file));
            File.WriteAllBytes(temp.File(file), bytes);
            if (rewrite)
            {
                WriteSource(Path.Combine("images", file), bytes);
            }
        }

        var dump = Dump(new ImageChainResolver().Resolve(temp.File(top)), temp.Root);
        if (rewrite)
        {
            WriteSource(Path.Combine("out", name + ".txt"), Encoding.UTF8.GetBytes(dump));
            Console.Error.WriteLine($"warning: rewrote the chain data of '{name}'; review the diff before committing it");
            return;
        }

        Assert.Equal(File.ReadAllText(Path.Combine(DataRoot, "out", name + ".txt")), dump);
    }

    /// <summary>One line per element: depth, status name, format, size, path, reference, backing format, message.</summary>
    internal static string Dump(ImageChain chain, string root)
    {
        var text = new StringBuilder();
        foreach (var e in chain.Elements)
        {
            text.Append(e.Depth).Append(' ').Append(e.Status).Append(' ').Append(e.Format ?? "-").Append(' ')
                .Append(e.VirtualSize?.ToString() ?? "-").Append(' ').Append(e.Path?.Replace(root, "<dir>") ?? "-").Append('\n');
            text.Append("  reference: ").Append(e.BackingReference ?? "-").Append('\n');
            text.Append("  backing-format: ").Append(e.BackingFormat ?? "-").Append('\n');
            if (e.Message is not null)
            {
                text.Append("  message: ").Append(e.Message.Replace(root, "<dir>")).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>A one-sector-cluster qcow2 (512 bytes) naming a backing file, with the backing format extension when given.</summary>
    private static Func<byte[]> Tiny(string? backing, string? format) => () =>
    {
        var image = new Qcow2Bytes { ClusterBits = 9, VirtualSize = 1 << 20 };
        return (backing is null ? image : image.WithBacking(backing, format)).Build();
    };

    /// <summary>Writes into the source tree's tests/data/chain (found from the test assembly's folder upwards).</summary>
    private static void WriteSource(string relative, byte[] bytes)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var data = Path.Combine(dir.FullName, "tests", "data", "chain");
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "data")))
            {
                var target = Path.Combine(data, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, bytes);
                return;
            }
        }

        throw new DirectoryNotFoundException("tests/data was not found above the test assembly");
    }
}
