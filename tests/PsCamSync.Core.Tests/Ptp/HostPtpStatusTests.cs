using PsCamSync.Core.Ptp;
using S = PsCamSync.Core.Ptp.PortState;

namespace PsCamSync.Core.Tests.Ptp;

public class HostPtpStatusTests
{
    [Theory]
    [InlineData(0, PtpRole.Grandmaster, 0, S.Master)]
    [InlineData(2, PtpRole.Master, 0, S.Master)]
    [InlineData(1, PtpRole.Slave, 0, S.Slave)]
    [InlineData(1, PtpRole.Uncalibrated, 0, S.Uncalibrated)]
    [InlineData(0, PtpRole.Listening, 0, S.Listening)]
    [InlineData(0, PtpRole.Faulty, 0, S.Faulty)]
    [InlineData(0, PtpRole.Passive, 0, S.Passive)]
    [InlineData(0, PtpRole.PreMaster, 0, S.PreMaster)]
    [InlineData(0, PtpRole.Disabled, 0, S.Disabled)]
    [InlineData(0, PtpRole.Initializing, 0, S.Initializing)]
    [InlineData(0, PtpRole.Unknown, -1, S.Unknown)]
    public void Single_port_roles(int stepsRemoved, PtpRole role, int index, S state)
    {
        Assert.Equal((role, index), HostPtpStatus.ClassifyRole(state == S.Unknown ? [S.Unknown] : [state], stepsRemoved));
    }

    [Fact]
    public void Boundary_clock_with_a_slave_port_is_a_slave_and_names_that_port()
    {
        Assert.Equal((PtpRole.Slave, 2), HostPtpStatus.ClassifyRole([S.Master, S.Faulty, S.Slave], 1));
        Assert.Equal((PtpRole.Grandmaster, 1), HostPtpStatus.ClassifyRole([S.Listening, S.Master, S.Master], 0));
        Assert.Equal((PtpRole.Unknown, -1), HostPtpStatus.ClassifyRole([], 0));
    }

    [Fact]
    public void Names_are_pmcs_spellings()
    {
        Assert.Equal("UNCALIBRATED", PtpNames.Of(S.Uncalibrated));
        Assert.Equal("PRE_MASTER", PtpNames.Of(S.PreMaster));
        Assert.Equal("SOFTWARE", PtpNames.Of(TimestampingMode.Software));
        Assert.Equal("TIME_PROPERTIES_DATA_SET", PtpNames.Of(ManagementId.TimePropertiesDataSet));
        Assert.Equal("0x1234", PtpNames.Of((ManagementId)0x1234));
        Assert.Equal("GENERAL_ERROR", PtpNames.Of(ManagementErrorId.GeneralError));
    }
}
