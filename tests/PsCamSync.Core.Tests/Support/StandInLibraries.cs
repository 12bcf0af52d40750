using System.Security.Cryptography;
using System.Text;

namespace PsCamSync.Core.Tests.Support;

/// <summary>
/// The stand-in vendor SDK libraries (tests/native/&lt;name&gt;/standin.c), built with <c>cc</c> by
/// tests/native/build-standins.sh once per content of tests/native, into /tmp/pscamsync-standins/&lt;hash&gt;/. Several test
/// processes may ask at once: the build goes to a private folder that is renamed into place, so each sees whole files.
/// </summary>
public static class StandInLibraries
{
    private static readonly Lock Gate = new();
    private static string? _built;

    /// <summary>The repository's tests/native folder.</summary>
    public static string SourceFolder { get; } = FindSourceFolder();

    /// <summary>
    /// The path of the stand-in library <paramref name="name"/> (<c>spinnaker</c>: libSpinnaker_C.so.4; <c>ic4</c>:
    /// libic4core.so), building every stand-in first when needed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The build failed (the compiler's output is in the message) or there
    /// is no stand-in of that name.</exception>
    public static string PathOf(string name)
    {
        string folder = Path.Combine(BuiltFolder(), name);
        var soname = File.ReadAllText(Path.Combine(SourceFolder, name, "SONAME")).Trim();
        string path = Path.Combine(folder, soname);
        if (!File.Exists(path))
            throw new InvalidOperationException($"the stand-in '{name}' was not built: {path} is missing.");
        return path;
    }

    private static string BuiltFolder()
    {
        lock (Gate)
        {
            if (_built is not null)
                return _built;
            string root = Path.Combine(Path.GetTempPath(), "pscamsync-standins");
            string target = Path.Combine(root, ContentHash());
            if (!Directory.Exists(target))
            {
                Directory.CreateDirectory(root);
                string work = Path.Combine(root, $".build-{Environment.ProcessId}-{Guid.NewGuid():N}");
                try
                {
                    Processes.Run("bash", [Path.Combine(SourceFolder, "build-standins.sh"), work], timeoutMs: 120_000);
                    try
                    {
                        Directory.Move(work, target);
                    }
                    catch (IOException) when (Directory.Exists(target))
                    {
                        // another test process built the same sources first: use theirs
                    }
                }
                finally
                {
                    if (Directory.Exists(work))
                        Directory.Delete(work, recursive: true);
                }
            }
            return _built = target;
        }
    }

    /// <summary>SHA-256 of every file under tests/native (names and contents), 16 hex digits.</summary>
    private static string ContentHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(SourceFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(SourceFolder, file) + "\0"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static string FindSourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "native");
            if (File.Exists(Path.Combine(candidate, "build-standins.sh")))
                return candidate;
        }
        throw new InvalidOperationException($"tests/native was not found above {AppContext.BaseDirectory}.");
    }
}
