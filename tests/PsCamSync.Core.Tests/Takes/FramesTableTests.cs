using PsCamSync.Core.Tests.Support;
using System.Text;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Tests.Takes;

public class FramesTableTests
{
    private const string Header = "frame_index,scheduled_ns,trigger_ns,device_timestamp_ns,host_receive_ns,status,video_frame,received_bytes,device_frame_id";

    private static readonly FrameRecord[] Rows =
    {
        new(0, 1_790_000_000_000_000_000, 1_790_000_000_000_012_345, 1_790_000_000_000_020_000, 1_790_000_000_004_000_000, FrameStatus.Captured, 0, 262_144, 4_294_967_296),
        new(1, 1_790_000_000_016_666_667, 1_790_000_000_016_670_000, 0, 0, FrameStatus.TriggerMissed, -1, 0),
        new(2, 1_790_000_000_033_333_334, 0, 0, 0, FrameStatus.TriggerLate, -1),
        new(3, 1_790_000_000_050_000_001, 1_790_000_000_050_000_100, 77, 1_790_000_000_054_000_000, FrameStatus.Incomplete, 1, 131_072, 17),
        new(4, 1_790_000_000_066_666_668, 1_790_000_000_066_666_700, -5, 1_790_000_000_070_000_000, FrameStatus.Dropped, -1),
        new(5, 1_790_000_000_083_333_335, 1_790_000_000_083_333_400, 9, 1_790_000_000_087_000_000, FrameStatus.WriteFailed, -1, 262_144),
        new(long.MaxValue, long.MaxValue, long.MinValue, long.MaxValue, 1, FrameStatus.Captured, long.MaxValue),
    };

    [Fact]
    public void RoundTrip_KeepsEveryRowExactly()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("sim-0.frames.csv");
        using (var writer = new FramesTableWriter(path))
        {
            foreach (var r in Rows)
                writer.Write(r);
            Assert.Equal(Rows.Length, writer.RowCount);
        }
        Assert.Equal(Rows, FramesTableReader.Read(path));
        Assert.False(FramesTableReader.ReadTable(path).TornLastRow);
    }

    [Fact]
    public void File_HasTheDocumentedHeader_StatusNames_AndLfLineEnds()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        using (var writer = new FramesTableWriter(path))
        {
            writer.Write(Rows[0]);
            writer.Write(Rows[1]);
        }
        string text = File.ReadAllText(path);
        Assert.Equal(
            Header + "\n" +
            "0,1790000000000000000,1790000000000012345,1790000000000020000,1790000000004000000,Captured,0,262144,4294967296\n" +
            "1,1790000000016666667,1790000000016670000,0,0,TriggerMissed,-1,0,-1\n",
            text);
    }

    [Fact]
    public void Writer_NeverOverwrites()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        File.WriteAllText(path, "keep");
        var e = Assert.Throws<TakeFolderException>(() => new FramesTableWriter(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("exists", e.Message);
        Assert.Equal("keep", File.ReadAllText(path));
    }

    [Fact]
    public void Flush_MakesRowsReadableWhileTheWriterIsOpen()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        using var writer = new FramesTableWriter(path);
        writer.Write(Rows[0]);
        writer.Write(Rows[1]);
        writer.Flush();
        Assert.Equal(Rows[..2], FramesTableReader.Read(path));
    }

    [Fact]
    public void Write_AllocatesNothingPerRow()
    {
        using var dir = new TempDirectory();
        using var writer = new FramesTableWriter(dir.Combine("t.frames.csv"));
        for (int i = 0; i < 1000; i++) // warm-up: JIT, buffers
            writer.Write(Rows[i % Rows.Length]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
            writer.Write(new FrameRecord(i, 1_790_000_000_000_000_000 + i * 16_666_667L, 1_790_000_000_000_000_100 + i * 16_666_667L,
                i * 16_666_667L, 1_790_000_000_004_000_000 + i * 16_666_667L, (FrameStatus)(i % 6), i, i));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4096, $"100 000 rows allocated {allocated} bytes");
    }

    [Fact]
    public void Read_TornLastRow_IsLeftOut_AndReported()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        using (var writer = new FramesTableWriter(path))
        {
            writer.Write(Rows[0]);
            writer.Write(Rows[1]);
        }
        File.AppendAllText(path, "2,1790000000033333334,17900"); // the writer died in the middle of row 2
        var table = FramesTableReader.ReadTable(path);
        Assert.True(table.TornLastRow);
        Assert.Equal(Rows[..2], table.Rows);
    }

    [Fact]
    public void Read_LargeTable_WithTornTail_KeepsEveryCompleteRow()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        var rows = Enumerable.Range(0, 5000).Select(i => new FrameRecord(i, 1_790_000_000_000_000_000 + i * 16_666_667L,
            1_790_000_000_000_000_100 + i * 16_666_667L, 123_456_789 + i * 16_666_667L, 1_790_000_000_004_000_000 + i * 16_666_667L,
            (FrameStatus)(i % 6), i, i)).ToArray();
        using (var writer = new FramesTableWriter(path))
            foreach (var r in rows)
                writer.Write(r);
        Assert.True(new FileInfo(path).Length > 100_000);
        Assert.Equal(rows, FramesTableReader.Read(path));
        File.AppendAllText(path, "5000,17900000833");
        var table = FramesTableReader.ReadTable(path);
        Assert.True(table.TornLastRow);
        Assert.Equal(rows, table.Rows);
    }

    [Theory]
    [InlineData("2,1790000000033333334,0,0,0,Captured,x,1,3", 4, "video_frame 'x'")]
    [InlineData("2,1790000000033333334,0,0,0,Captured,1,y,3", 4, "received_bytes 'y'")]
    [InlineData("2,1790000000033333334,0,0,0,Captured,1,1,z", 4, "device_frame_id 'z'")]
    [InlineData("2,1790000000033333334,0,0,0,Captured,1,1", 4, "expected 9 fields, found 8")]
    [InlineData("2,1790000000033333334,0,0,0,Exploded,1,1,3", 4, "status 'Exploded'")]
    [InlineData("2,1790000000033333334,0,0,0,captured,1,1,3", 4, "status 'captured'")]
    [InlineData("2,1.5,0,0,0,Captured,1,1,3", 4, "scheduled_ns '1.5'")]
    [InlineData("2,99999999999999999999,0,0,0,Captured,1,1,3", 4, "scheduled_ns")]
    [InlineData("2,1,0,0,0,Captured,1,8,9,10", 4, "found 10")]
    [InlineData("2,\"1,0,0,0,Captured,1,1,3", 4, "line 4")]
    public void Read_MalformedRow_NamesTheLine(string badRow, int line, string detail)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        using (var writer = new FramesTableWriter(path))
        {
            writer.Write(Rows[0]);
            writer.Write(Rows[1]);
        }
        File.AppendAllText(path, badRow + "\n" + "5,1,0,0,0,Captured,2,1,3\n");
        var e = Assert.Throws<TakeFolderException>(() => FramesTableReader.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Contains($"line {line}", e.Message);
        Assert.Contains(detail, e.Message);
    }

    [Fact]
    public void Read_TableWithoutReceivedBytes_GivesMinusOne()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("old.frames.csv");
        File.WriteAllText(path, "frame_index,scheduled_ns,trigger_ns,device_timestamp_ns,host_receive_ns,status,video_frame\n" +
            "0,100,110,5,120,Captured,0\n1,200,210,0,0,TriggerMissed,-1\n");
        Assert.Equal(new FrameRecord[] { new(0, 100, 110, 5, 120, FrameStatus.Captured, 0, -1), new(1, 200, 210, 0, 0, FrameStatus.TriggerMissed, -1, -1) },
            FramesTableReader.Read(path));
    }

    [Fact]
    public void Read_TableWithoutDeviceFrameId_GivesMinusOne()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("older.frames.csv");
        File.WriteAllText(path, "frame_index,scheduled_ns,trigger_ns,device_timestamp_ns,host_receive_ns,status,video_frame,received_bytes\n" +
            "0,100,110,5,120,Captured,0,64\n");
        Assert.Equal(new FrameRecord[] { new(0, 100, 110, 5, 120, FrameStatus.Captured, 0, 64, -1) }, FramesTableReader.Read(path));
    }

    [Fact]
    public void Read_WrongHeader_IsAnError()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        File.WriteAllText(path, "a,b,c\n1,2,3\n");
        var e = Assert.Throws<TakeFolderException>(() => FramesTableReader.Read(path));
        Assert.Contains("line 1", e.Message);
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public void Read_MissingFile_IsAnError_WithThePath()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("none.frames.csv");
        var e = Assert.Throws<TakeFolderException>(() => FramesTableReader.Read(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Read_HeaderOnly_GivesNoRows()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.frames.csv");
        new FramesTableWriter(path).Dispose();
        Assert.Equal(Header + "\n", File.ReadAllText(path, Encoding.UTF8));
        Assert.Empty(FramesTableReader.Read(path));
    }
}
