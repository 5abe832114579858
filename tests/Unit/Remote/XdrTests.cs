using LibVirtPS.Drivers.Remote.Xdr;
using Xunit;

namespace LibVirtPS.Tests.Remote;

public class XdrTests
{
    [Fact]
    public void PrimitivesRoundTripBigEndian()
    {
        var w = new XdrWriter()
            .WriteInt(-2).WriteUInt(0xdeadbeef).WriteHyper(long.MinValue).WriteUHyper(ulong.MaxValue).WriteBool(true).WriteDouble(1.5);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xfe, 0xde, 0xad, 0xbe, 0xef }, w.WrittenSpan[..8].ToArray());
        var r = new XdrReader(w.ToArray());
        Assert.Equal(-2, r.ReadInt());
        Assert.Equal(0xdeadbeefu, r.ReadUInt());
        Assert.Equal(long.MinValue, r.ReadHyper());
        Assert.Equal(ulong.MaxValue, r.ReadUHyper());
        Assert.True(r.ReadBool());
        Assert.Equal(1.5, r.ReadDouble());
        r.EnsureEnd();
    }

    [Theory]
    [InlineData("", 4)]
    [InlineData("a", 8)]
    [InlineData("abcd", 8)]
    [InlineData("abcde", 12)]
    [InlineData("grüße", 12)]
    public void StringsArePaddedToFourBytes(string value, int wireLength)
    {
        var bytes = new XdrWriter().WriteString(value).ToArray();
        Assert.Equal(wireLength, bytes.Length);
        var r = new XdrReader(bytes);
        Assert.Equal(value, r.ReadString());
        r.EnsureEnd();
    }

    [Fact]
    public void OpaqueOptionalAndArraysRoundTrip()
    {
        var w = new XdrWriter()
            .WriteFixedOpaque(new byte[] { 1, 2, 3 }, 3)
            .WriteOpaque(new byte[] { 9, 8, 7, 6, 5 }, 16)
            .WriteOptionalString(null)
            .WriteOptionalString("x")
            .WriteArray(new[] { 10, 20, 30 }, 5, static (x, v) => x.WriteInt(v));
        Assert.Equal(4 + 12 + 4 + 12 + 16, w.Length);
        var r = new XdrReader(w.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, r.ReadFixedOpaque(3));
        Assert.Equal(new byte[] { 9, 8, 7, 6, 5 }, r.ReadOpaque(16));
        Assert.Null(r.ReadOptionalString());
        Assert.Equal("x", r.ReadOptionalString());
        Assert.Equal(new[] { 10, 20, 30 }, r.ReadArray(5, static x => x.ReadInt()));
        r.EnsureEnd();
    }

    [Fact]
    public void RandomValuesRoundTrip()
    {
        var random = new Random(4506);
        for (var i = 0; i < 500; i++)
        {
            var ints = Enumerable.Range(0, random.Next(0, 20)).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray();
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(32, 0x7ff)).ToArray());
            var blob = new byte[random.Next(0, 33)];
            random.NextBytes(blob);
            var hyper = random.NextInt64(long.MinValue, long.MaxValue);

            var bytes = new XdrWriter().WriteArray(ints, 20, static (w, v) => w.WriteInt(v)).WriteString(text).WriteOpaque(blob, 64).WriteHyper(hyper).ToArray();
            Assert.Equal(0, bytes.Length % 4);
            var r = new XdrReader(bytes);
            Assert.Equal(ints, r.ReadArray(20, static x => x.ReadInt()));
            Assert.Equal(text, r.ReadString());
            Assert.Equal(blob, r.ReadOpaque(64));
            Assert.Equal(hyper, r.ReadHyper());
            r.EnsureEnd();
        }
    }

    [Fact]
    public void LengthBeyondRemainingBytesIsRejected()
    {
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 8, (byte)'a', 0, 0, 0 }).ReadString());
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 5, 1, 2, 3, 4, 5 }).ReadOpaque(100));
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 1 }).ReadInt());
    }

    [Fact]
    public void LengthAboveTheProtocolMaximumIsRejectedBeforeAllocating()
    {
        var huge = new byte[] { 0x7f, 0xff, 0xff, 0xff };
        Assert.Throws<XdrException>(() => new XdrReader(huge).ReadString());
        Assert.Throws<XdrException>(() => new XdrReader(huge).ReadOpaque(1024));
        Assert.Throws<XdrException>(() => new XdrReader(huge).ReadArray(int.MaxValue, static r => r.ReadInt()));
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 3, 0, 0, 0, 1 }).ReadArray(2, static r => r.ReadInt()));
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 3, 97, 98, 99, 0 }).ReadString(2));
    }

    [Fact]
    public void MalformedValuesAreRejected()
    {
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 2 }).ReadBool());
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 1, 97, 1, 0, 0 }).ReadString());
        Assert.Throws<XdrException>(() => new XdrReader(new byte[] { 0, 0, 0, 2, 0xc3, 0x28, 0, 0 }).ReadString());
        var reader = new XdrReader(new byte[8]);
        reader.ReadInt();
        Assert.Throws<XdrException>(reader.EnsureEnd);
    }

    [Fact]
    public void WriterEnforcesMaxima()
    {
        Assert.Throws<XdrException>(() => new XdrWriter().WriteString("abc", 2));
        Assert.Throws<XdrException>(() => new XdrWriter().WriteOpaque(new byte[5], 4));
        Assert.Throws<XdrException>(() => new XdrWriter().WriteFixedOpaque(new byte[5], 4));
        Assert.Throws<XdrException>(() => new XdrWriter().WriteArray(new[] { 1, 2, 3 }, 2, static (w, v) => w.WriteInt(v)));
    }

    [Fact]
    public void AnyNonZeroOptionalDiscriminantMeansPresent()
    {
        var r = new XdrReader(new byte[] { 1, 0, 0, 0, 0, 0, 0, 1, 97, 0, 0, 0 });
        Assert.Equal("a", r.ReadOptionalString());
    }
}
