using Portal.Infrastructure;
using Portal.Infrastructure.Api;

namespace Portal.Features.Orders;

/// <summary>A priced line as orders and quotes send it.</summary>
public sealed record PricedLineInput(string? ProductCode, string? Description, decimal? Quantity, string? Unit, decimal? UnitPrice);

public sealed record PricedLineResponse(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount);

/// <summary>A priced line, validated and priced: what an order or quote line stores.</summary>
public sealed record PricedLine(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount);

/// <summary>Validation and pricing shared by orders and quotes: amount = quantity × unit price, rounded to the currency.</summary>
public static class PricedLines
{
    /// <summary>The lines (at most <see cref="ApiErrors.MaxLines"/>), each priced in the currency when it is known; errors by field path.</summary>
    public static List<PricedLine> Read(ApiErrors e, IReadOnlyList<PricedLineInput?>? lines, string? currency, bool productRequired)
    {
        var result = new List<PricedLine>();
        foreach (var (at, line) in e.Items("lines", lines, ApiErrors.MaxLines))
        {
            var productCode = e.Text($"{at}.productCode", line.ProductCode, 50, required: productRequired);
            var description = e.Text($"{at}.description", line.Description, 500, required: true);
            var unit = e.Text($"{at}.unit", line.Unit, 20);
            var quantity = e.Precise($"{at}.quantity", line.Quantity, nonNegative: true);
            var unitPrice = e.Precise($"{at}.unitPrice", line.UnitPrice, nonNegative: true);
            var amount = currency is null || e.AnyUnder(at) ? 0m : Amount(quantity, unitPrice, currency);
            if (Math.Abs(amount) > ApiErrors.MaxAmount)
            {
                e.Add($"{at}.amount", "The line amount is too large.");
                amount = 0m;
            }

            result.Add(new PricedLine(result.Count + 1, productCode, description ?? "", quantity, unit, unitPrice, amount));
        }

        if (!e.AnyUnder("lines") && result.Sum(l => l.Amount) > ApiErrors.MaxAmount)
        {
            e.Add("lines", "The lines add up to more than the largest total accepted.");
        }

        return result;
    }

    public static decimal Amount(decimal quantity, decimal unitPrice, string currency) =>
        new Money(quantity * unitPrice, currency).RoundToMinorUnit().Amount;
}
