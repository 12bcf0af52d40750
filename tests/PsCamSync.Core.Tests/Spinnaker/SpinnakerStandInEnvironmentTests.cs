using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>
/// The stand-in's configuration by environment variables (read at the first spinSystemGetInstance), which the cmdlet and
/// Pester tests use for processes of their own. .NET's Environment.SetEnvironmentVariable does not reach native code, so
/// a small C program linked against the stand-in runs in a child process with the variables set.
/// </summary>
public sealed class SpinnakerStandInEnvironmentTests
{
    private const string Driver = """
        #include <stdio.h>
        #include <stddef.h>
        #include <stdint.h>
        typedef void *h;
        int spinSystemGetInstance(h *);
        int spinSystemReleaseInstance(h);
        int spinCameraListCreateEmpty(h *);
        int spinSystemGetCameras(h, h);
        int spinCameraListGetSize(h, size_t *);
        int spinCameraListGet(h, size_t, h *);
        int spinCameraListClear(h);
        int spinCameraListDestroy(h);
        int spinCameraInit(h);
        int spinCameraDeInit(h);
        int spinCameraRelease(h);
        int main(void)
        {
            h system, list, camera;
            size_t n = 0;
            spinSystemGetInstance(&system);
            spinCameraListCreateEmpty(&list);
            spinSystemGetCameras(system, list);
            spinCameraListGetSize(list, &n);
            int init = -1;
            if (n > 0 && spinCameraListGet(list, 0, &camera) == 0) {
                init = spinCameraInit(camera);
                if (init == 0)
                    spinCameraDeInit(camera);
                spinCameraRelease(camera);
            }
            spinCameraListClear(list);
            spinCameraListDestroy(list);
            printf("cameras %zu init %d release %d\n", n, init, spinSystemReleaseInstance(system));
            return 0;
        }
        """;

    private static string Run(TempDirectory dir, params string[] environment)
    {
        string library = SpinnakerStandIn.Path;
        string source = dir.Combine("driver.c"), exe = dir.Combine("driver");
        File.WriteAllText(source, Driver);
        string folder = Path.GetDirectoryName(library)!;
        Processes.Run("cc", ["-std=gnu11", "-Wall", "-Werror", "-o", exe, source, $"-L{folder}", $"-l:{Path.GetFileName(library)}", $"-Wl,-rpath,{folder}"]);
        return Processes.Run("env", [.. environment, exe]).Trim();
    }

    [Fact]
    public void CameraCount_Vanish_AndFail_AreReadFromTheEnvironment()
    {
        using var dir = new TempDirectory();
        Assert.Equal("cameras 2 init 0 release 0", Run(dir));
        Assert.Equal("cameras 5 init 0 release 0", Run(dir, "PSCAMSYNC_STANDIN_SPINNAKER_CAMERAS=5"));
        Assert.Equal("cameras 4 init 0 release 0", Run(dir, "PSCAMSYNC_STANDIN_SPINNAKER_CAMERAS=5", "PSCAMSYNC_STANDIN_SPINNAKER_VANISH=0"));
        Assert.Equal("cameras 2 init -1010 release 0", Run(dir, "PSCAMSYNC_STANDIN_SPINNAKER_FAIL=spinCameraInit:-1010"));
    }
}
