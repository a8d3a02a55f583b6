using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Identity;

/// <summary>A person who signs in: a customer's user, or (with <see cref="IsStaff"/>) the operator's staff.</summary>
public sealed class PortalUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>Operator staff use the admin console; they are members of no customer account.</summary>
    public bool IsStaff { get; set; }

    /// <summary>The staff member's role in the console; null for customers.</summary>
    public Admin.Staff.StaffRole? StaffRole { get; set; }

    /// <summary>Set while staff have disabled the login: no sign-in, and every session ended when it was set.</summary>
    public DateTime? DisabledAt { get; set; }

    /// <summary>Staff reset the user's two-factor: they set it up again before any other page.</summary>
    public bool MustSetUpTwoFactor { get; set; }

    /// <summary>The culture the user chose (en, es, fr); null follows the browser.</summary>
    public string? PreferredCulture { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastLoginAt { get; set; }

    /// <summary>The e-mails the user wants; a mail of a kind not listed here is not sent to them.</summary>
    public NotificationKinds Notifications { get; set; } = NotificationKinds.Default;

    /// <summary>
    /// The last authenticator-app time step accepted, so that a code (and any older one) works once
    /// only (ASVS 6.5.1).
    /// </summary>
    public long? LastTotpTimeStep { get; set; }
}

/// <summary>The notification e-mails a user can subscribe to.</summary>
[Flags]
public enum NotificationKinds
{
    None = 0,
    InvoiceIssued = 1,
    PaymentReceipt = 2,
    PaymentFailed = 4,
    AutopayReminder = 8,
    Statements = 16,
    Marketing = 32,

    /// <summary>Everything about the account's money; no marketing until the user opts in.</summary>
    Default = InvoiceIssued | PaymentReceipt | PaymentFailed | AutopayReminder | Statements,
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.PreferredCulture).HasMaxLength(10);
    }
}
