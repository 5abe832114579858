using System.Buffers.Binary;
using System.Text;
using LibVirtPS.Engine.Chains;
using LibVirtPS.Engine.Images;
using LibVirtPS.Engine.Model;
using Xunit;

namespace LibVirtPS.Tests.Images;

/// <summary>Broken QED, VMDK, VHD and LUKS headers, written byte by byte and read through an in-memory source.</summary>
public sealed class HostileFormatTests
{
    private static ImageHeader Read(byte[] image, string? format = null)
    {
        var images = new MemoryImages { ["image"] = image };
        using var source = images.Open("image").Source!;
        return ImageFormats.ReadHeader(format is null ? ImageFormats.Probe(source) : ImageFormats.Find(format)!, source);
    }

    private static byte[] Qed(uint nameOffset, uint nameSize, ulong features = 1, int length = 8192, uint headerClusters = 1)
    {
        var qed = new byte[Math.Max(length, 8192)];
        "QED\0"u8.CopyTo(qed);
        BinaryPrimitives.WriteUInt32LittleEndian(qed.AsSpan(4), 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(qed.AsSpan(8), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(qed.AsSpan(12), headerClusters);
        BinaryPrimitives.WriteUInt64LittleEndian(qed.AsSpan(16), features);
        BinaryPrimitives.WriteUInt64LittleEndian(qed.AsSpan(48), 1 << 20);
        BinaryPrimitives.WriteUInt32LittleEndian(qed.AsSpan(56), nameOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(qed.AsSpan(60), nameSize);
        for (var i = 0; i < nameSize && nameOffset + i < qed.Length; i++)
        {
            qed[nameOffset + i] = (byte)'q';
        }

        return qed.AsSpan(0, length).ToArray();
    }

    [Fact]
    public void QedNamesAreBoundedByTheLimitAndTheHeader()
    {
        Assert.Equal(4095, Read(Qed(64, 4095, length: 8192, headerClusters: 2)).Backing[0].Reference.Length);
        Assert.Contains("too long", Read(Qed(64, 4096, headerClusters: 2)).Invalid);
        Assert.Contains("outside the header", Read(Qed(4000, 200)).Invalid);
        Assert.Contains("past the end", Read(Qed(64, 100, length: 100)).Invalid);
        Assert.Contains("feature", Read(Qed(64, 10, features: 0x101)).Invalid);
        Assert.Equal("raw", Read(Qed(64, 10, features: 5)).BackingFormat);
        Assert.Null(Read(Qed(64, 10, features: 1)).BackingFormat);
        Assert.Contains("truncated", Read(Qed(64, 10, length: 40)).Invalid);
    }

    private static byte[] Descriptor(string body) => Encoding.ASCII.GetBytes("# Disk DescriptorFile\nversion=1\nCID=fffffffe\n" + body);

    [Fact]
    public void VmdkHintsAreFoundBySubstringAndBounded()
    {
        var ok = Read(Descriptor("parentCID=12345678\ncreateType=\"vmfsSparse\"\nparentFileNameHint=\"base.vmdk\"\nRW 100 VMFSSPARSE \"d.vmdk\"\n"));
        var commented = Read(Descriptor("createType=\"monolithicFlat\"\n# parentFileNameHint=\"ghost.vmdk\"\nRW 8 FLAT \"f.vmdk\" 0\n"));
        var atLimit = Read(Descriptor($"createType=\"monolithicFlat\"\nparentFileNameHint=\"{new string('h', 4095)}\"\n"));
        var tooLong = Read(Descriptor($"createType=\"monolithicFlat\"\nparentFileNameHint=\"{new string('h', 4096)}\"\n"));
        var unterminated = Read(Descriptor("createType=\"monolithicFlat\"\nparentFileNameHint=\"base.vmdk\n"));
        var unsupported = Read(Descriptor("createType=\"custom\"\n"));
        var spaced = Read(Descriptor("createType=\"monolithicFlat\"\nparentFileNameHint = \"base.vmdk\"\n"));

        Assert.Equal("base.vmdk", ok.Backing[0].Text);
        Assert.Equal(51200, ok.VirtualSize);
        Assert.Equal("12345678", ok.ParentId);
        Assert.Equal("ghost.vmdk", commented.Backing[0].Text);
        Assert.Equal(4095, atLimit.Backing[0].Reference.Length);
        Assert.Contains("too long", tooLong.Invalid);
        Assert.Contains("closing quote", unterminated.Invalid);
        Assert.Contains("Unsupported", unsupported.Invalid);
        Assert.False(spaced.HasBacking);
    }

    [Fact]
    public void AVmdkSparseHeaderWithADescriptorPastTheEndIsInvalid()
    {
        var sparse = new byte[1024];
        "KDMV"u8.CopyTo(sparse);
        BinaryPrimitives.WriteUInt32LittleEndian(sparse.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(sparse.AsSpan(12), 2048);
        BinaryPrimitives.WriteUInt64LittleEndian(sparse.AsSpan(28), ulong.MaxValue);
        BinaryPrimitives.WriteUInt64LittleEndian(sparse.AsSpan(36), ulong.MaxValue);

        Assert.Contains("past the end", Read(sparse).Invalid);
        BinaryPrimitives.WriteUInt32LittleEndian(sparse.AsSpan(4), 9);
        Assert.Contains("version 9", Read(sparse).Invalid);
        Assert.Contains("truncated", Read(sparse.AsSpan(0, 40).ToArray()).Invalid);
    }

    [Fact]
    public void VhdFaultsAreInvalidOrFindings()
    {
        var good = new VhdBytes().Locator(VhdBytes.W2ru, @".\p.vhd").Build();
        var badChecksum = new VhdBytes { CorruptFooterChecksum = true, DiskType = 3 }.Build();
        var headerPastEnd = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(headerPastEnd.AsSpan(16), 1UL << 40);
        var locatorPastEnd = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(locatorPastEnd.AsSpan(512 + 576 + 16), 1UL << 40);
        var unknownType = new VhdBytes { DiskType = 9 }.Build();
        var named = new VhdBytes { ParentName = "p.vhd" }.Build();

        Assert.Null(Read(good).Invalid);
        Assert.Contains(Read(badChecksum).Findings, f => f.Contains("checksum"));
        Assert.Contains("past the end", Read(headerPastEnd).Invalid);
        Assert.Contains("differencing VHD has no usable parent locator", Read(locatorPastEnd).Invalid);
        Assert.Contains("disk type 9", Read(unknownType).Invalid);
        Assert.Equal("ParentUnicodeName", Read(named).Backing.Single().Kind);
    }

    [Fact]
    public void LuksVersionTwoIsRawAndAPayloadPastTheEndIsInvalid()
    {
        var luks = new byte[4096];
        new byte[] { (byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE, 0, 1 }.CopyTo(luks, 0);
        BinaryPrimitives.WriteUInt32BigEndian(luks.AsSpan(104), 4);
        var luks2 = (byte[])luks.Clone();
        luks2[7] = 2;
        var pastEnd = (byte[])luks.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(pastEnd.AsSpan(104), 0xFFFFFFFF);

        Assert.Equal(("luks", 2048L), (Read(luks).Format, Read(luks).VirtualSize!.Value));
        Assert.Equal("raw", Read(luks2).Format);
        Assert.Contains("past the end", Read(pastEnd).Invalid);
        Assert.Contains("truncated", Read(luks.AsSpan(0, 100).ToArray()).Invalid);
    }

    [Fact]
    public void TheWalkerWorksOverAnyImageSourceProvider()
    {
        var images = new MemoryImages
        {
            ["vm/top"] = new Qcow2Bytes().WithBacking("../pool/base", "qcow2").Build(),
            ["vm/../pool/base"] = new Qcow2Bytes().Build(),
        };

        var chain = new ImageChainResolver(images).Resolve("vm/top");

        Assert.Equal(new[] { ChainStatus.Ok, ChainStatus.Ok }, chain.Elements.Select(e => e.Status));
        Assert.Equal("vm/../pool/base", chain.Elements[1].Path);
    }
}
