using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Invoices;
using Portal.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

/// <summary>An account of its own with one user on it, so that tests can arrange documents freely.</summary>
public sealed record ArrangedAccount(long Id, string Number, string Email, string Prefix);

public static partial class InvoiceTestData
{
    /// <summary>A new account (unique numbers) and a user with the given permissions on it alone.</summary>
    public static async Task<ArrangedAccount> NewAccountAsync(PortalFactory portal, Permissions permissions)
    {
        var tag = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var email = $"t-{tag.ToLowerInvariant()}@example.com";
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var now = DateTime.UtcNow;
        var account = new Account
        {
            ExternalId = "T-" + tag,
            Number = "T" + tag,
            Name = "Test Co " + tag,
            Currency = "USD",
            AddressLine1 = "1 Test Street",
            City = "Boston",
            Region = "MA",
            PostalCode = "02110",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test " + tag, CreatedAt = now };
        var created = await users.CreateAsync(user, DemoData.Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = account.Id, Permissions = permissions, CreatedAt = now });
        await db.SaveChangesAsync();
        return new ArrangedAccount(account.Id, account.Number, email, "T" + tag + "-");
    }

    /// <summary>An invoice on the account, numbered prefix + n, with one line; not yet saved.</summary>
    public static Invoice NewInvoice(ArrangedAccount account, int n, DateOnly issued, decimal total, decimal open, bool isVoid = false, string? po = null, DateOnly? due = null)
    {
        var number = account.Prefix + n.ToString("D3", CultureInfo.InvariantCulture);
        var invoice = new Invoice
        {
            AccountId = account.Id,
            ExternalId = "X-" + number,
            Number = number,
            IssueDate = issued,
            DueDate = due ?? issued.AddDays(30),
            Currency = "USD",
            Subtotal = total,
            TaxTotal = 0m,
            Total = total,
            OpenAmount = open,
            IsVoid = isVoid,
            PurchaseOrder = po,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        };
        invoice.Lines.Add(new InvoiceLine { LineNumber = 1, ProductCode = "SVC", Description = "Service " + number, Quantity = 1, Unit = "each", UnitPrice = total, Amount = total });
        return invoice;
    }

    /// <summary>
    /// The payments that explain each invoice's paid part (total less open), so that arranged invoices
    /// keep the ledger's invariants that other tests check across every account.
    /// </summary>
    public static IEnumerable<Payment> PaymentsFor(IEnumerable<Invoice> invoices) =>
        invoices.Where(i => !i.IsVoid && i.OpenAmount < i.Total).Select(i => new Payment
        {
            AccountId = i.AccountId,
            Number = "PAY-" + i.Number,
            ReceivedAt = i.IssueDate.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc),
            Method = PaymentMethodKind.Check,
            Currency = i.Currency,
            Amount = i.Total - i.OpenAmount,
            Status = PaymentStatus.Succeeded,
            CreatedAt = DateTime.UtcNow,
            Allocations = { new PaymentAllocation { Invoice = i, Amount = i.Total - i.OpenAmount } },
        });

    /// <summary>The invoice numbers listed on a page, in order, restricted to the arranged account's prefix.</summary>
    public static List<string> InvoiceNumbers(string html, string prefix) =>
        InvoiceLink().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    /// <summary>The "Next page" link of a list page, or null on the last page.</summary>
    public static string? NextLink(string html)
    {
        var match = NextPage().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The "Previous page" link of a list page, or null on the first page.</summary>
    public static string? PreviousLink(string html)
    {
        var match = PreviousPage().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The page width and every word's box through poppler's pdftotext -bbox, or null where poppler-utils is not installed.</summary>
    public static async Task<(double PageWidth, List<(string Text, double XMin, double XMax)> Words)?> PdfWordsAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("pdftotext", ["-bbox", file, "-"]) { RedirectStandardOutput = true })!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }

            using var _ = process;
            var html = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var page = Regex.Match(html, "<page width=\"([0-9.]+)\"");
            var words = Regex.Matches(html, "<word xMin=\"([0-9.]+)\" yMin=\"[0-9.]+\" xMax=\"([0-9.]+)\" yMax=\"[0-9.]+\">([^<]*)</word>")
                .Select(m => (WebUtility.HtmlDecode(m.Groups[3].Value), Parse(m.Groups[1].Value), Parse(m.Groups[2].Value)))
                .ToList();
            return (Parse(page.Groups[1].Value), words);
        }
        finally
        {
            File.Delete(file);
        }

        static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>The PDF's text through poppler's pdftotext, or null where poppler-utils is not installed.</summary>
    public static async Task<string?> PdfTextAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true })!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }

            using var _ = process;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("<a href=\"/invoices/([^\"/]+)\">")]
    private static partial Regex InvoiceLink();

    [GeneratedRegex("rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex NextPage();

    [GeneratedRegex("rel=\"prev\" href=\"([^\"]+)\"")]
    private static partial Regex PreviousPage();
}
