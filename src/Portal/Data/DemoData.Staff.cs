using Portal.Features.Admin.Staff;
using Portal.Features.Identity;

namespace Portal.Data;

public sealed partial class DemoData
{
    /// <summary>Operator staff with the support role: reads everything, changes no setting.</summary>
    public const string SupportEmail = "support@example.com";

    /// <summary>The console's two staff roles, side by side, so a newcomer sees what support cannot do.</summary>
    private async Task AddStaffAsync(PortalUser administrator, DateTime now, CancellationToken ct)
    {
        administrator.StaffRole = StaffRole.Administrator;
        var support = await CreateUserAsync(SupportEmail, "Sam Support", isStaff: true, now);
        support.StaffRole = StaffRole.Support;
        support.LastLoginAt = now.AddDays(-1);
        await db.SaveChangesAsync(ct);
    }
}
