using System.Diagnostics;

namespace PsCamSync.Core.Tests.Takes;

/// <summary>Runs ffmpeg / ffprobe (real programs) and returns what they print.</summary>
public static class Tools
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>; stdout as bytes. Fails the test on a non-zero exit.</summary>
    public static byte[] Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        Assert.True(p.WaitForExit(120_000), $"{program} did not finish in 120 s");
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}");
        return output.ToArray();
    }

    /// <summary>ffprobe's decoded frame count, width, height and pixel format of the first video stream.</summary>
    public static (long Frames, int Width, int Height, string PixFmt) Probe(string file)
    {
        string text = System.Text.Encoding.ASCII.GetString(Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames,width,height,pix_fmt", "-of", "default=noprint_wrappers=1", file));
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        return (long.Parse(fields["nb_read_frames"]), int.Parse(fields["width"]), int.Parse(fields["height"]), fields["pix_fmt"]);
    }

    /// <summary>Decodes <paramref name="file"/> to raw frames of <paramref name="pixFmt"/> with ffmpeg.</summary>
    public static byte[] DecodeRaw(string file, string pixFmt) =>
        Run("ffmpeg", "-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", pixFmt, "-");
}
