namespace PsCamSync.Core.Tests.Support;

/// <summary>A unique temporary folder, deleted on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder under the system temp path.</summary>
    public TempDirectory(string prefix = "pscamsync-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
