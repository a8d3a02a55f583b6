using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Infrastructure.Pdf;

/// <summary>
/// The account a document is addressed to, as the document prints it: its name, its number and its postal
/// address, one line a line with city, region and postal code on one, empty parts left out.
/// </summary>
public sealed record PdfAddressee(string Name, string Number, IReadOnlyList<string> Address)
{
    public static async Task<PdfAddressee> LoadAsync(PortalDb db, long accountId, CancellationToken ct)
    {
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId)
            .Select(x => new { x.Name, x.Number, x.AddressLine1, x.AddressLine2, x.City, x.Region, x.PostalCode }).FirstAsync(ct);
        var address = new[] { a.AddressLine1, a.AddressLine2, string.Join(" ", new[] { a.City, a.Region, a.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))) }
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList();
        return new PdfAddressee(a.Name, a.Number, address);
    }
}
