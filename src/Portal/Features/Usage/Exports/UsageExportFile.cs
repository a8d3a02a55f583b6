using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Localization;

namespace Portal.Features.Usage.Exports;

/// <summary>
/// Writes usage rows to .xlsx (OpenXML's SAX writer: one row at a time into the zip stream) or CSV, so
/// that memory stays flat whatever the number of rows. Times are the operator's local time; quantities
/// are numbers. The records carry no prices, so no column depends on "see money" today; a money
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

    /// <summary>Writes the rows; returns how many were written. <paramref name="output"/> need not be seekable.</summary>
    public static int Write(Stream output, UsageExportFormat format, IEnumerable<UsageRow> rows, TimeZoneInfo zone, IStringLocalizer l)
    {
        var headings = Headings(l);
        return format == UsageExportFormat.Csv ? WriteCsv(output, rows, zone, headings) : WriteXlsx(output, rows, zone, headings);
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

    private static int WriteXlsx(Stream output, IEnumerable<UsageRow> rows, TimeZoneInfo zone, string[] headings)
    {
        var count = 0;
        using (var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            styles.Stylesheet.Save();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            using (var writer = OpenXmlWriter.Create(sheetPart))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                writer.WriteStartElement(new Row());
                foreach (var heading in headings)
                {
                    WriteText(writer, heading, StyleBold);
                }

                writer.WriteEndElement();
                foreach (var row in rows)
                {
                    writer.WriteStartElement(new Row());
                    var local = Local(row.OccurredAt, zone);
                    writer.WriteElement(new Cell
                    {
                        CellValue = new CellValue(local.ToOADate().ToString(CultureInfo.InvariantCulture)),
                        DataType = CellValues.Number,
                        StyleIndex = StyleDateTime,
                    });
                    WriteText(writer, row.Product);
                    WriteText(writer, row.Identifier ?? "");
                    WriteText(writer, row.Description ?? "");
                    writer.WriteElement(new Cell { CellValue = new CellValue(row.Quantity.ToString(CultureInfo.InvariantCulture)), DataType = CellValues.Number });
                    WriteText(writer, row.Unit);
                    WriteText(writer, row.InvoiceNumber ?? "");
                    writer.WriteEndElement();
                    count++;
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            workbook.Workbook = new Workbook(new Sheets(new Sheet { Name = "Usage", SheetId = 1, Id = workbook.GetIdOfPart(sheetPart) }));
            workbook.Workbook.Save();
        }

        return count;
    }

    private const uint StyleBold = 1;
    private const uint StyleDateTime = 2;

    private static void WriteText(OpenXmlWriter writer, string text, uint style = 0)
    {
        var cell = new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };
        if (style != 0)
        {
            cell.StyleIndex = style;
        }

        writer.WriteElement(cell);
    }

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd hh:mm:ss" }) { Count = 1 },
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true })
        { Count = 3 });

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => Infrastructure.OperatorClock.ToLocal(utc, zone);
}
