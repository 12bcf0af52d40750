namespace PsCamSync.Core.Tests.Support;

/// <summary>
/// A fact that needs real programs or privileges from the machine (ptp4l, arv-fake-gv-camera-0.8, ffmpeg, root).
/// Where one is missing the test is skipped with the reason, except under CI=true: there it runs and fails,
/// because CI installs everything and a skip would hide a missing install step.
/// </summary>
public sealed class RequiresFactAttribute : FactAttribute
{
    /// <summary>Names executables that must be on PATH; "root" requires uid 0.</summary>
    public RequiresFactAttribute(params string[] requirements)
    {
        var missing = Machine.Missing(requirements);
        if (missing.Count > 0 && !Machine.IsCi)
            Skip = $"needs {string.Join(", ", missing)} (install with .ci/run; under CI=true this test runs and fails instead)";
    }
}

/// <summary>A theory with the requirements of <see cref="RequiresFactAttribute"/>: skipped where they are missing, except under CI=true.</summary>
public sealed class RequiresTheoryAttribute : TheoryAttribute
{
    /// <summary>Names executables that must be on PATH; "root" requires uid 0.</summary>
    public RequiresTheoryAttribute(params string[] requirements)
    {
        var missing = Machine.Missing(requirements);
        if (missing.Count > 0 && !Machine.IsCi)
            Skip = $"needs {string.Join(", ", missing)} (install with .ci/run; under CI=true this test runs and fails instead)";
    }
}

/// <summary>What this machine has.</summary>
public static class Machine
{
    /// <summary>True under CI=true.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The requirements that are not met.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> requirements) =>
        requirements.Where(r => r == "root" ? Environment.UserName != "root" : FindOnPath(r) is null).ToList();

    /// <summary>Full path of an executable on PATH (also /usr/sbin and /sbin), or null.</summary>
    public static string? FindOnPath(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" });
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
