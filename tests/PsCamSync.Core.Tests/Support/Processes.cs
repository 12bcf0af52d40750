using System.Diagnostics;

namespace PsCamSync.Core.Tests.Support;

/// <summary>Runs a program to completion and returns its output.</summary>
public static class Processes
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; throws when it fails or takes longer than the timeout.</summary>
    public static string Run(string file, IEnumerable<string> args, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Frames ffprobe counts in the first video stream of <paramref name="path"/>.</summary>
    public static long FfprobeFrameCount(string path) => long.Parse(Run("ffprobe",
        new[] { "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path }).Trim());

    /// <summary>Frames in a video: counted by ffprobe where it exists, else read back with <see cref="Takes.Y4mReader"/> (Y4M only).</summary>
    public static long FfprobeFrameCountOrRead(string path)
    {
        if (Machine.FindOnPath("ffprobe") is not null)
            return FfprobeFrameCount(path);
        using var reader = new PsCamSync.Core.Takes.Y4mReader(path);
        var frame = new byte[reader.FrameBytes];
        long n = 0;
        while (reader.ReadFrame(frame)) n++;
        return n;
    }
}
