using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Core.Tests.Simulated;

public class SimulatedPatternTests
{
    [Theory]
    [InlineData(PixelFormat.Mono8, 0, 0L)]
    [InlineData(PixelFormat.Mono8, 63, 1L)]
    [InlineData(PixelFormat.BayerRG8, 7, 5_183_999L)]
    [InlineData(PixelFormat.Mono16, 3, 123_456_789_012L)]
    [InlineData(PixelFormat.Mono16, 12, long.MaxValue)]
    public void Fill_ThenTryDecode_GivesCameraAndFrameBack(PixelFormat format, int camera, long frameId)
    {
        var frame = new byte[PixelFormats.FrameBytes(64, 8, format)];
        SimulatedPattern.Fill(frame, 64, 8, format, camera, frameId);

        Assert.True(SimulatedPattern.TryDecode(frame, 64, format, out int decodedCamera, out long decodedId));
        Assert.Equal(camera, decodedCamera);
        Assert.Equal(frameId, decodedId);
    }

    [Fact]
    public void Rows_FollowTheDocumentedFormula_Mono8()
    {
        const int w = 40, h = 300, cam = 2;
        const long id = 1000;
        var frame = new byte[w * h];
        SimulatedPattern.Fill(frame, w, h, PixelFormat.Mono8, cam, id);

        Assert.Equal("PSIM"u8.ToArray(), frame[..4]);
        Assert.All(frame[SimulatedPattern.HeaderPixels..w], b => Assert.Equal(0, b));
        for (int r = 1; r < h; r++)
        {
            byte expected = (byte)(r + id + 40 * cam);
            Assert.All(frame[(r * w)..((r + 1) * w)], b => Assert.Equal(expected, b));
        }
    }

    [Fact]
    public void Mono16_StoresEachValueInBothBytes()
    {
        const int w = 32, h = 4;
        var frame = new byte[w * h * 2];
        SimulatedPattern.Fill(frame, w, h, PixelFormat.Mono16, 1, 9);

        for (int i = 0; i < frame.Length; i += 2)
            Assert.Equal(frame[i], frame[i + 1]);
        Assert.Equal((byte)'P', frame[0]);
        Assert.Equal((byte)(2 + 9 + 40), frame[2 * (2 * w)]); // row 2, first sample
    }

    [Fact]
    public void Fill_WritesOnlyTheFrameBytes()
    {
        var frame = new byte[32 * 2 + 10];
        Array.Fill(frame, (byte)0xEE);
        SimulatedPattern.Fill(frame, 32, 2, PixelFormat.Mono8, 0, 0);
        Assert.All(frame[64..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void DifferentFrames_HaveDifferentPixels()
    {
        var a = new byte[32 * 4];
        var b = new byte[32 * 4];
        SimulatedPattern.Fill(a, 32, 4, PixelFormat.Mono8, 0, 1);
        SimulatedPattern.Fill(b, 32, 4, PixelFormat.Mono8, 0, 2);
        Assert.NotEqual(a[32..], b[32..]);
    }

    [Theory]
    [MemberData(nameof(HeaderBytes))]
    public void TryDecode_IsFalse_WhenAnyHeaderByteIsDamaged(int index)
    {
        var frame = new byte[32 * 2];
        SimulatedPattern.Fill(frame, 32, 2, PixelFormat.Mono8, 5, 77);
        frame[index] ^= 0x10;
        Assert.False(SimulatedPattern.TryDecode(frame, 32, PixelFormat.Mono8, out _, out _));
    }

    public static TheoryData<int> HeaderBytes()
    {
        var d = new TheoryData<int>();
        for (int i = 0; i < SimulatedPattern.HeaderPixels; i++)
            d.Add(i);
        return d;
    }

    [Fact]
    public void TryDecode_IsFalse_ForMono16WithUnequalBytes_BlankFrames_AndShortInput()
    {
        var frame = new byte[32 * 2 * 2];
        SimulatedPattern.Fill(frame, 32, 2, PixelFormat.Mono16, 5, 77);
        frame[9] ^= 1; // one byte of the 5th header sample
        Assert.False(SimulatedPattern.TryDecode(frame, 32, PixelFormat.Mono16, out _, out _));

        Assert.False(SimulatedPattern.TryDecode(new byte[64], 32, PixelFormat.Mono8, out _, out _));
        Assert.False(SimulatedPattern.TryDecode(new byte[10], 32, PixelFormat.Mono8, out _, out _));
        Assert.False(SimulatedPattern.TryDecode(new byte[64], 10, PixelFormat.Mono8, out _, out _));
    }

    [Fact]
    public void Fill_RejectsNarrowFramesAndShortBuffers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedPattern.Fill(new byte[100], 19, 1, PixelFormat.Mono8, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedPattern.Fill(new byte[100], 32, 0, PixelFormat.Mono8, 0, 0));
        var e = Assert.Throws<ArgumentException>(() => SimulatedPattern.Fill(new byte[63], 32, 1, PixelFormat.Mono16, 0, 0));
        Assert.Contains("64", e.Message);
    }
}
