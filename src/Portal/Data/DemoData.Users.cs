using Portal.Features.Accounts;
using Portal.Features.Invitations;
using Portal.Infrastructure.Activity;

namespace Portal.Data;

/// <summary>The company's users: a colleague of the demo customer who may not manage users, and an invitation waiting.</summary>
public sealed partial class DemoData
{
    /// <summary>A Bayside user who may view, order and see amounts, but not pay or manage users.</summary>
    public const string MemberEmail = "member@example.com";

    private async Task AddAccountUsersAsync(Account bayside, string administratorId, DateTime now, CancellationToken ct)
    {
        var member = await CreateUserAsync(MemberEmail, "Marcus Lee", isStaff: false, now);
        member.LastLoginAt = now.AddDays(-3);
        db.Memberships.Add(new Membership
        {
            UserId = member.Id,
            AccountId = bayside.Id,
            Permissions = Permissions.View | Permissions.Order | Permissions.SeeMoney,
            CreatedAt = now.AddDays(-40),
        });
        // The link of a demo invitation was never mailed: only its hash exists, so it cannot be accepted.
        db.Invitations.Add(new Invitation
        {
            AccountId = bayside.Id,
            Email = "priya.n@bayside.example",
            Permissions = Permissions.View | Permissions.ServiceCalls,
            TokenHash = Invitation.NewToken().Hash,
            InvitedByUserId = administratorId,
            CreatedAt = now.AddHours(-20),
            SentAt = now.AddHours(-20),
            ExpiresAt = now.AddHours(52),
        });
        db.ActivityEntries.AddRange(
            new ActivityEntry { Action = "invitation.accepted", UserId = member.Id, AccountId = bayside.Id, Subject = MemberEmail, Detail = "permissions: View, Order, SeeMoney", OccurredAt = now.AddDays(-40) },
            new ActivityEntry { Action = "membership.permissions-changed", UserId = administratorId, AccountId = bayside.Id, Subject = MemberEmail, Detail = "View, Pay, Order, SeeMoney -> View, Order, SeeMoney", OccurredAt = now.AddDays(-12) },
            new ActivityEntry { Action = "invitation.sent", UserId = administratorId, AccountId = bayside.Id, Subject = "priya.n@bayside.example", Detail = "permissions: View, ServiceCalls", OccurredAt = now.AddHours(-20) });
        await db.SaveChangesAsync(ct);
    }
}
