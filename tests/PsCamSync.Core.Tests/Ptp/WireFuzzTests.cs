using System.Diagnostics;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>
/// Random, truncated and mutated inputs through the parser and every decoder, with fixed seeds: the only exceptions
/// ever thrown are the documented ones (format error, or ptp4l's error status when the input happens to be one).
/// </summary>
public class WireFuzzTests
{
    private const int Iterations = 60_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private static readonly Func<ManagementMessage, object>[] Decoders =
    [
        DataSetDecoder.DecodeDefaultDataSet, DataSetDecoder.DecodeCurrentDataSet, DataSetDecoder.DecodeParentDataSet,
        DataSetDecoder.DecodeTimePropertiesDataSet, DataSetDecoder.DecodeTimeStatusNp, DataSetDecoder.DecodePortDataSet,
        DataSetDecoder.DecodePortPropertiesNp,
    ];

    /// <summary>Runs one input; returns how many decoders succeeded, fails the test on any undocumented exception.</summary>
    private static int Feed(byte[] input)
    {
        ManagementMessage m;
        try
        {
            m = ManagementMessage.Parse(input);
        }
        catch (PtpMessageFormatException e)
        {
            Assert.False(string.IsNullOrEmpty(e.Field));
            return 0;
        }
        catch (Exception e)
        {
            Assert.Fail($"Parse threw {e.GetType().Name} for {Convert.ToHexString(input)}: {e}");
            return 0;
        }
        int decoded = 0;
        foreach (var decode in Decoders)
        {
            try
            {
                _ = decode(m);
                decoded++;
            }
            catch (PtpMessageFormatException) { }
            catch (PtpManagementErrorException) { }
            catch (Exception e)
            {
                Assert.Fail($"{decode.Method.Name} threw {e.GetType().Name} for {Convert.ToHexString(input)}: {e}");
            }
        }
        return decoded;
    }

    [Fact]
    public void Every_truncation_of_every_captured_answer_is_a_format_error()
    {
        foreach (var full in CapturedResponses.All)
        {
            Assert.Equal(1, Feed(full));
            for (int n = 0; n < full.Length; n++)
            {
                var cut = full[..n];
                Assert.Throws<PtpMessageFormatException>(() => ManagementMessage.Parse(cut));
                Feed(cut);
            }
        }
    }

    [Fact]
    public void Truncated_data_with_a_consistent_header_is_a_format_error_in_the_decoder()
    {
        foreach (var full in CapturedResponses.All)
        {
            int minData = ManagementMessage.Parse(full).ManagementId == ManagementId.PortPropertiesNp ? 13 : 4;
            for (int cut = 2; cut <= minData; cut += 2)
            {
                // shrink messageLength and lengthField together, so only the data set is short
                var b = full[..^cut];
                b[2] = (byte)(b.Length >> 8); b[3] = (byte)b.Length;
                int tlvLength = (full[50] << 8 | full[51]) - cut;
                b[50] = (byte)(tlvLength >> 8); b[51] = (byte)tlvLength;
                Assert.Equal(0, Feed(b));
            }
        }
    }

    [Fact]
    public void Mutations_of_captured_answers_throw_only_documented_exceptions()
    {
        var rng = new Random(1588);
        var seeds = CapturedResponses.All.ToArray();
        var clock = Stopwatch.StartNew();
        int decodedTotal = 0, runs = 0;
        for (; runs < Iterations && clock.Elapsed < Budget; runs++)
        {
            var b = (byte[])seeds[rng.Next(seeds.Length)].Clone();
            int edits = 1 + rng.Next(4);
            for (int e = 0; e < edits; e++)
            {
                switch (rng.Next(6))
                {
                    case 0: b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8)); break;            // bit flip
                    case 1: b[rng.Next(b.Length)] = (byte)rng.Next(256); break;                   // byte set
                    case 2 when b.Length > 51: b[50 + rng.Next(2)] = (byte)rng.Next(256); break;  // TLV lengthField
                    case 3 when b.Length > 3: b[2 + rng.Next(2)] = (byte)rng.Next(256); break;    // messageLength
                    case 4: b = b[..rng.Next(b.Length + 1)]; break;                               // truncate
                    case 5: b = [.. b, .. RandomBytes(rng, rng.Next(8))]; break;                  // append
                    default: break;
                }
                if (b.Length == 0)
                    break;
            }
            decodedTotal += Feed(b);
        }
        Assert.True(runs > 1000, $"only {runs} runs in {Budget}");
        Assert.True(decodedTotal > 0, "no mutation decoded at all: the mutator never kept a valid message");
    }

    [Fact]
    public void Random_bytes_and_random_management_shaped_messages_throw_only_documented_exceptions()
    {
        var rng = new Random(2019);
        var clock = Stopwatch.StartNew();
        int runs = 0;
        for (; runs < Iterations && clock.Elapsed < Budget; runs++)
        {
            var b = RandomBytes(rng, rng.Next(120));
            if (runs % 2 == 0 && b.Length >= 4)
            {
                // make it look like a management message so the TLV and decoders get exercised
                b[0] = 0x0D; b[1] = 0x02;
                b[2] = (byte)(b.Length >> 8); b[3] = (byte)b.Length;
                if (b.Length >= 50) { b[48] = 0; b[49] = (byte)(1 + rng.Next(2)); }
            }
            Feed(b);
        }
        Assert.True(runs > 1000, $"only {runs} runs in {Budget}");
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
