using PsCamSync.Core.Ptp;
using static PsCamSync.Core.Tests.Ptp.CapturedResponses;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>Real ptp4l answers decode to exactly what pmc printed for them.</summary>
public class CapturedResponseTests
{
    private static ManagementMessage P(byte[] b) => ManagementMessage.Parse(b);

    [Fact]
    public void Slave_answers_match_pmc()
    {
        var port = DataSetDecoder.DecodePortDataSet(P(SlavePortDataSet));
        Assert.Equal("b2b9da.fffe.f10647-1", port.PortIdentity.ToString());
        Assert.Equal(PortState.Slave, port.PortState);
        Assert.Equal(1, port.LogAnnounceInterval);
        Assert.Equal(3, port.AnnounceReceiptTimeout);
        Assert.Equal(DelayMechanism.E2E, port.DelayMechanism);
        Assert.Equal(2, port.VersionNumber);

        var tsn = DataSetDecoder.DecodeTimeStatusNp(P(SlaveTimeStatusNp));
        Assert.Equal(98, tsn.MasterOffsetNs);
        Assert.Equal(1795313904429206347, tsn.IngressTimeNs);
        Assert.True(tsn.GmPresent);
        Assert.Equal("22be42.fffe.27351d", tsn.GmIdentity.ToString());

        var cds = DataSetDecoder.DecodeCurrentDataSet(P(SlaveCurrentDataSet));
        Assert.Equal(1, cds.StepsRemoved);
        Assert.Equal(98.0, TimeInterval.ToNanosecondsExact(cds.OffsetFromMaster));
        Assert.Equal(26071.0, TimeInterval.ToNanosecondsExact(cds.MeanPathDelay));

        var pds = DataSetDecoder.DecodeParentDataSet(P(SlaveParentDataSet));
        Assert.Equal("22be42.fffe.27351d-1", pds.ParentPortIdentity.ToString());
        Assert.False(pds.ParentStats);
        Assert.Equal(0xffff, pds.ObservedParentOffsetScaledLogVariance);
        Assert.Equal(0x7fffffff, pds.ObservedParentClockPhaseChangeRate);
        Assert.Equal(100, pds.GrandmasterPriority1);
        Assert.Equal(new ClockQuality(248, 0xfe, 0xffff), pds.GrandmasterClockQuality);
        Assert.Equal(128, pds.GrandmasterPriority2);
        Assert.Equal("22be42.fffe.27351d", pds.GrandmasterIdentity.ToString());

        var tp = DataSetDecoder.DecodeTimePropertiesDataSet(P(SlaveTimePropertiesDataSet));
        Assert.Equal(37, tp.CurrentUtcOffset);
        Assert.False(tp.CurrentUtcOffsetValid);
        Assert.False(tp.PtpTimescale);
        Assert.Equal(0xa0, tp.TimeSource);

        var dds = DataSetDecoder.DecodeDefaultDataSet(P(SlaveDefaultDataSet));
        Assert.True(dds.TwoStepFlag);
        Assert.False(dds.SlaveOnly);
        Assert.Equal(1, dds.NumberPorts);
        Assert.Equal(200, dds.Priority1);
        Assert.Equal(new ClockQuality(248, 0xfe, 0xffff), dds.ClockQuality);
        Assert.Equal(128, dds.Priority2);
        Assert.Equal("b2b9da.fffe.f10647", dds.ClockIdentity.ToString());
        Assert.Equal(23, dds.DomainNumber);

        var ppn = DataSetDecoder.DecodePortPropertiesNp(P(SlavePortPropertiesNp));
        Assert.Equal("b2b9da.fffe.f10647-1", ppn.PortIdentity.ToString());
        Assert.Equal(PortState.Slave, ppn.PortState);
        Assert.Equal(TimestampingMode.Software, ppn.Timestamping);
        Assert.Equal("eth0", ppn.Interface);
    }

    [Fact]
    public void Grandmaster_answers_match_pmc()
    {
        Assert.Equal(PortState.Master, DataSetDecoder.DecodePortDataSet(P(GrandmasterPortDataSet)).PortState);
        var tsn = DataSetDecoder.DecodeTimeStatusNp(P(GrandmasterTimeStatusNp));
        Assert.False(tsn.GmPresent);
        Assert.Equal(0, tsn.MasterOffsetNs);
        var cds = DataSetDecoder.DecodeCurrentDataSet(P(GrandmasterCurrentDataSet));
        Assert.Equal(0, cds.StepsRemoved);
        var pds = DataSetDecoder.DecodeParentDataSet(P(GrandmasterParentDataSet));
        Assert.Equal("22be42.fffe.27351d-0", pds.ParentPortIdentity.ToString());
        Assert.Equal("22be42.fffe.27351d", pds.GrandmasterIdentity.ToString());
        var dds = DataSetDecoder.DecodeDefaultDataSet(P(GrandmasterDefaultDataSet));
        Assert.Equal(100, dds.Priority1);
        Assert.Equal("22be42.fffe.27351d", dds.ClockIdentity.ToString());
    }

    [Fact]
    public void Host_status_from_captured_answers_classifies_both_hosts()
    {
        HostPtpStatus Build(byte[][] r) => HostPtpStatus.From("h", "/s", 1,
            DataSetDecoder.DecodeDefaultDataSet(P(r[5])), DataSetDecoder.DecodeCurrentDataSet(P(r[2])),
            DataSetDecoder.DecodeParentDataSet(P(r[3])), DataSetDecoder.DecodeTimePropertiesDataSet(P(r[4])),
            DataSetDecoder.DecodeTimeStatusNp(P(r[1])), [DataSetDecoder.DecodePortPropertiesNp(P(r[6]))], null);
        var gm = Build(All.Take(7).ToArray());
        var slave = Build(All.Skip(7).ToArray());
        Assert.Equal(PtpRole.Grandmaster, gm.Role);
        Assert.False(gm.GmPresent);
        Assert.Equal(gm.ClockIdentity, gm.GrandmasterIdentity);
        Assert.Equal(PtpRole.Slave, slave.Role);
        Assert.True(slave.GmPresent);
        Assert.Equal(gm.ClockIdentity, slave.GrandmasterIdentity);
        Assert.Equal(98, slave.OffsetFromMasterNs);
        Assert.Equal(26071, slave.MeanPathDelayNs);
        Assert.Equal(PtpTimescale.Arbitrary, slave.Timescale);
        Assert.Equal(23, slave.Domain);
        Assert.Equal("eth0", slave.Interface);
        Assert.Null(slave.Phc2sysRunning);
    }
}
