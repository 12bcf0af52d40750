namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// Three emulators shared by every test of the "Aravis emulators" collection, started on first use (so that a
/// machine without the emulator skips those tests instead of failing the fixture).
/// </summary>
public sealed class SharedFakeGvCameras : IDisposable
{
    private readonly Lazy<FakeGvCameras> _fakes = new(() => new FakeGvCameras(3), LazyThreadSafetyMode.ExecutionAndPublication);

    public FakeGvCameras Get() => _fakes.Value;

    public void Dispose()
    {
        if (_fakes.IsValueCreated)
            _fakes.Value.Dispose();
    }
}

/// <summary>The tests that talk to the emulators run one at a time, sharing <see cref="SharedFakeGvCameras"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AravisEmulatorCollection : ICollectionFixture<SharedFakeGvCameras>
{
    public const string Name = "Aravis emulators";
}
