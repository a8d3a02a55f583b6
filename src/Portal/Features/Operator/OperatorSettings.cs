using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Infrastructure;

namespace Portal.Features.Operator;

/// <summary>The operator's configuration of its portal: one row.</summary>
public sealed class OperatorSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public string Name { get; set; } = "Customer Portal";

    public string? LegalName { get; set; }

    public string? WelcomeMessage { get; set; }

    /// <summary>PNG or SVG bytes shown in the header, on documents and in e-mails.</summary>
    public byte[]? Logo { get; set; }

    public string? LogoContentType { get; set; }

    public string PrimaryColor { get; set; } = "#1F4E79";

    public string AccentColor { get; set; } = "#2E7D32";

    public string TimeZoneId { get; set; } = OperatorDefaults.TimeZoneId;

    public string Currency { get; set; } = OperatorDefaults.Currency;

    /// <summary>Comma-separated culture names offered in the language picker, e.g. "en,es,fr".</summary>
    public string Languages { get; set; } = "en,es,fr";

    public string? SupportEmail { get; set; }

    public string? SupportPhone { get; set; }

    /// <summary>The operator's postal address as printed on documents, one line per line.</summary>
    public string? Address { get; set; }

    /// <summary>Where customers send checks, printed on invoices under "Remit to"; null when it is the postal address.</summary>
    public string? RemitTo { get; set; }

    public bool PaymentsEnabled { get; set; } = true;

    public bool AutopayEnabled { get; set; } = true;

    public bool UsageEnabled { get; set; } = true;

    public bool UsageExportEnabled { get; set; } = true;

    public bool StatementsEnabled { get; set; } = true;

    public bool ContractsEnabled { get; set; } = true;

    public bool OrdersEnabled { get; set; } = true;

    public bool QuotesEnabled { get; set; } = true;

    public bool ServiceCallsEnabled { get; set; } = true;

    public bool LicensesEnabled { get; set; } = true;

    public bool RegistrationByPhoneEnabled { get; set; }

    public bool ForgotPasswordEnabled { get; set; } = true;

    /// <summary>Transactions are split by branch and the overview offers a branch selector.</summary>
    public bool BranchesEnabled { get; set; }

    /// <summary>Users who may pay must use two-factor authentication.</summary>
    public bool RequireTwoFactorForPayers { get; set; }

    /// <summary>Staff must use two-factor authentication before they reach any console page.</summary>
    public bool RequireTwoFactorForStaff { get; set; }

    public bool CardPaymentsEnabled { get; set; } = true;

    public bool BankPaymentsEnabled { get; set; } = true;

    /// <summary>Customers may dispute invoices from the invoice's page.</summary>
    public bool DisputesEnabled { get; set; } = true;

    /// <summary>CSV exports of the invoice, payment and credit lists, and the selected invoices' PDFs as one ZIP.</summary>
    public bool ExportsEnabled { get; set; } = true;

    /// <summary>A fully paid invoice may still be disputed (otherwise only an invoice with something open).</summary>
    public bool PaidInvoicesDisputable { get; set; }

    /// <summary>The reasons a customer picks from when disputing an invoice, one a line.</summary>
    public string DisputeReasons { get; set; } = DefaultDisputeReasons;

    /// <summary>The names people read for the branch codes the billing system sends, one "CODE = Name" a line.</summary>
    public string BranchNames { get; set; } = "";

    /// <summary>The name of a branch code, or the code itself when the operator gave it none.</summary>
    public string BranchName(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "";
        }

        foreach (var line in BranchNames.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line[..equals].Trim().Equals(code, StringComparison.OrdinalIgnoreCase) && line[(equals + 1)..].Trim() is { Length: > 0 } name)
            {
                return name;
            }
        }

        return code;
    }

    public const string DefaultDisputeReasons = "Price differs from the quote or contract\nWrong quantity or hours\nNot received or not ordered\nDamage or cleaning charge\nBilled twice\nOther";

    public int InvitationLifetimeHours { get; set; } = 72;

    public int UsageExportLimit { get; set; } = 100_000;

    /// <summary>Autopay's reminder e-mail goes out this many days before the due date (0 = none).</summary>
    public int AutopayReminderDays { get; set; } = 3;

    /// <summary>After a soft decline autopay tries again these many days after the due date, comma-separated ("1,3,7").</summary>
    public string AutopayRetryDays { get; set; } = "1,3,7";

    public DateTime UpdatedAt { get; set; }
}

internal sealed class OperatorSettingsConfiguration : IEntityTypeConfiguration<OperatorSettings>
{
    public void Configure(EntityTypeBuilder<OperatorSettings> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.LegalName).HasMaxLength(200);
        b.Property(s => s.WelcomeMessage).HasMaxLength(2000);
        b.Property(s => s.LogoContentType).HasMaxLength(50);
        b.Property(s => s.PrimaryColor).HasMaxLength(7);
        b.Property(s => s.AccentColor).HasMaxLength(7);
        b.Property(s => s.TimeZoneId).HasMaxLength(64);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.Languages).HasMaxLength(100);
        b.Property(s => s.SupportEmail).HasMaxLength(256);
        b.Property(s => s.SupportPhone).HasMaxLength(30);
        b.Property(s => s.Address).HasMaxLength(500);
        b.Property(s => s.RemitTo).HasMaxLength(500);
        b.Property(s => s.AutopayRetryDays).HasMaxLength(50);
        b.Property(s => s.DisputeReasons).HasMaxLength(2000);
        b.Property(s => s.BranchNames).HasMaxLength(2000);
    }
}
