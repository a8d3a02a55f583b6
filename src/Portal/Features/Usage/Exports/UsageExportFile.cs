using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Localization;
using SpreadCheetah;
using SpreadCheetah.Styling;

namespace Portal.Features.Usage.Exports;

/// <summary>
/// Writes usage rows to .xlsx (with SpreadCheetah, which streams the workbook forward row by row, ADR 0018)
/// or CSV, so that memory stays flat whatever the number of rows. Times are the operator's local time;
/// quantities are numbers. The records carry no prices, so no column depends on "see money" today; a money
/// column added later must be left out unless the requester may see money.
/// </summary>
public static class UsageExportFile
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static string ContentType(UsageExportFormat format) => format == UsageExportFormat.Csv ? CsvContentType : XlsxContentType;

    public static string FileName(UsageFilter filter, UsageExportFormat format) =>
        string.Create(CultureInfo.InvariantCulture, $"usage-{filter.Period.Start:yyyy-MM-dd}.{(format == UsageExportFormat.Csv ? "csv" : "xlsx")}");

    public static string[] Headings(IStringLocalizer l) =>
        [l["Date and time"], l["Product"], l["Identifier"], l["Description"], l["Quantity"], l["Unit"], l["Invoice"]];

    /// <summary>Writes the rows; returns how many were written. <paramref name="output"/> need not be seekable and is left open.</summary>
    public static async Task<int> WriteAsync(
        Stream output, UsageExportFormat format, IEnumerable<UsageRow> rows, TimeZoneInfo zone, IStringLocalizer l, CancellationToken ct)
    {
        var headings = Headings(l);
        return format == UsageExportFormat.Csv
            ? WriteCsv(output, rows, zone, headings)
            : await WriteXlsxAsync(output, rows, zone, headings, ct);
    }

    private static int WriteCsv(Stream output, IEnumerable<UsageRow> rows, TimeZoneInfo zone, string[] headings)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default, true);
        csv.WriteRecord(headings);
        var count = 0;
        foreach (var row in rows)
        {
            csv.WriteField(Local(row.OccurredAt, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            csv.WriteField(row.Product);
            csv.WriteField(row.Identifier ?? "");
            csv.WriteField(row.Description ?? "");
            csv.WriteField(row.Quantity.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(row.Unit);
            csv.WriteField(row.InvoiceNumber ?? "");
            csv.EndRecord();
            count++;
        }

        return count;
    }

    private static async Task<int> WriteXlsxAsync(Stream output, IEnumerable<UsageRow> rows, TimeZoneInfo zone, string[] headings, CancellationToken ct)
    {
        // SpreadCheetah compresses each part straight into the output through its own 64 KiB buffer (no
        // seeking, nothing kept per row), with inline strings (no shared-string table to hold) and XML
        // escaping and the characters XML cannot carry taken care of.
        var spreadsheet = await Spreadsheet.CreateNewAsync(output, new SpreadCheetahOptions { PreserveStringWhitespace = true }, ct);
        await using (spreadsheet)
        {
            await spreadsheet.StartWorksheetAsync("Usage", token: ct);
            var bold = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
            var dateTime = spreadsheet.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd hh:mm:ss") });
            await spreadsheet.AddHeaderRowAsync(headings, bold, ct);
            // One array of cells for every row: a cell is a struct, so filling it allocates nothing.
            var cells = new StyledCell[headings.Length];
            var count = 0;
            foreach (var row in rows)
            {
                cells[0] = new StyledCell(Local(row.OccurredAt, zone), dateTime);
                cells[1] = new StyledCell(row.Product, null);
                cells[2] = new StyledCell(row.Identifier ?? "", null);
                cells[3] = new StyledCell(row.Description ?? "", null);
                cells[4] = new StyledCell(row.Quantity, null);
                cells[5] = new StyledCell(row.Unit, null);
                cells[6] = new StyledCell(row.InvoiceNumber ?? "", null);
                await spreadsheet.AddRowAsync(cells, ct);
                count++;
            }

            await spreadsheet.FinishAsync(ct);
            return count;
        }
    }

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => Infrastructure.OperatorClock.ToLocal(utc, zone);
}
