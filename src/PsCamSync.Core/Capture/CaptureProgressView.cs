using System.Globalization;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>
/// What a progress bar shows for a running take: a status line, a percentage and the seconds left.
/// Values follow PowerShell's <c>ProgressRecord</c>: -1 means "unknown, do not show".
/// </summary>
/// <param name="Status">One line: the countdown before T0, then frames fired, captured and lost.</param>
/// <param name="PercentComplete">0-100 while frames are being fired, -1 during the countdown.</param>
/// <param name="SecondsRemaining">Seconds until T0 during the countdown, then until the last frame; -1 when done.</param>
public readonly record struct CaptureProgressView(string Status, int PercentComplete, int SecondsRemaining)
{
    /// <summary>Describes <paramref name="progress"/> of a take whose frame period is <paramref name="periodNs"/> ns.</summary>
    public static CaptureProgressView Describe(in CaptureProgress progress, long periodNs)
    {
        var ci = CultureInfo.InvariantCulture;
        long total = Math.Max(0, progress.EndFrameIndex - progress.FirstFrameIndex);
        long fired = Math.Clamp(progress.NextFrameIndex - progress.FirstFrameIndex, 0, total);
        string counts = string.Create(ci, $"{progress.Captured} captured, {progress.Lost} lost");

        if (progress.State != TakeState.Recording)
            return new CaptureProgressView(string.Create(ci, $"{progress.State}: {fired} of {total} frames, {counts}"), 100, -1);

        if (progress.SecondsToStart > 0 && fired == 0)
        {
            int toStart = (int)Math.Ceiling(progress.SecondsToStart);
            return new CaptureProgressView(string.Create(ci, $"Starting in {progress.SecondsToStart:0.0} s ({total} frames)"), -1, toStart);
        }

        double left = (double)(total - fired) * periodNs / 1e9;
        int secondsLeft = (int)Math.Min(int.MaxValue, Math.Ceiling(Math.Max(0, left)));
        return new CaptureProgressView(string.Create(ci, $"Frame {fired} of {total}, {counts}"), progress.PercentComplete, secondsLeft);
    }
}
