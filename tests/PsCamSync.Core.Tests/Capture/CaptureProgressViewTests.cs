using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Tests.Capture;

public class CaptureProgressViewTests
{
    private const long Period = 16_666_667; // 60 Hz

    [Fact]
    public void BeforeT0_ShowsTheCountdown_WithoutAPercentage()
    {
        var v = CaptureProgressView.Describe(new CaptureProgress("t", TakeState.Recording, 0, 0, 600, 0, 0, 1.23), Period);
        Assert.Equal("Starting in 1.2 s (600 frames)", v.Status);
        Assert.Equal(-1, v.PercentComplete);
        Assert.Equal(2, v.SecondsRemaining);
    }

    [Fact]
    public void WhileRunning_ShowsFramesOfThisHost_AndTimeToTheLastFrame()
    {
        // A late joiner: its take runs from index 100 to 700; 250 fired so far.
        var v = CaptureProgressView.Describe(new CaptureProgress("t", TakeState.Recording, 350, 100, 700, 747, 3, -4.2), Period);
        Assert.Equal("Frame 250 of 600, 747 captured, 3 lost", v.Status);
        Assert.Equal(41, v.PercentComplete);
        Assert.Equal(6, v.SecondsRemaining); // 350 frames x 16.67 ms = 5.83 s
    }

    [Fact]
    public void AfterTheEnd_ShowsTheStateAndAFullBar()
    {
        var v = CaptureProgressView.Describe(new CaptureProgress("t", TakeState.Stopped, 400, 0, 400, 1200, 0, -10), Period);
        Assert.Equal("Stopped: 400 of 400 frames, 1200 captured, 0 lost", v.Status);
        Assert.Equal(100, v.PercentComplete);
        Assert.Equal(-1, v.SecondsRemaining);
    }
}
