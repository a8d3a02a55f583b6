using Portal.Features.Integration;
using Portal.Infrastructure;

namespace Portal.Features.Orders;

/// <summary>A priced line as orders and quotes send it.</summary>
public sealed record PricedLineInput(string? ProductCode, string? Description, decimal? Quantity, string? Unit, decimal? UnitPrice);

public sealed record PricedLineResponse(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount);

/// <summary>Validation and pricing shared by orders and quotes: amount = quantity × unit price, rounded to the currency.</summary>
public static class PricedLines
{
    public static void Validate(FieldErrors errors, IReadOnlyList<PricedLineInput> lines, bool productRequired)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = $"lines[{i}]";
            errors.Text($"{at}.productCode", line.ProductCode, 50, required: productRequired);
            errors.Text($"{at}.description", line.Description, 500);
            errors.Text($"{at}.unit", line.Unit, 20, required: false);
            errors.Number($"{at}.quantity", line.Quantity);
            errors.Number($"{at}.unitPrice", line.UnitPrice);
        }
    }

    public static decimal Amount(decimal quantity, decimal unitPrice, string currency) =>
        new Money(quantity * unitPrice, currency).RoundToMinorUnit().Amount;
}
