using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using CsvHelper;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Localization;

namespace Portal.Features.Usage.Exports;

/// <summary>
/// Writes usage rows to .xlsx (the sheet's XML one row at a time into a zip entry written straight to the output) or CSV, so
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
        // A plain zip written forward (ZipArchiveMode.Create): each entry is compressed straight into the
        // output as it is written, and the sheet, written last, one row at a time. The Open XML SDK's
        // package, opened read-write on the worker's seekable file (what SpreadsheetDocument.Create does with
        // a stream), keeps every part, the whole sheet included, in memory until it closes; opened write-only
        // it is refused by the SDK (2.20: "requires that the package be opened with Read access", where the
        // first attempt at this failed), and System.IO.Packaging in that mode keeps each part's entry open
        // until the package closes, so no second part can be written. The package's two bookkeeping files
        // are therefore written here; the SDK's classes still make the workbook and the styles. The output
        // stays open: the worker reads its temporary file back afterwards.
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, "[Content_Types].xml", stream => Write(stream, ContentTypesXml));
        WriteEntry(zip, "_rels/.rels", stream => Write(stream, PackageRelationshipsXml));
        WriteEntry(zip, "xl/_rels/workbook.xml.rels", stream => Write(stream, WorkbookRelationshipsXml));
        WriteEntry(zip, "xl/workbook.xml", stream => new Workbook(new Sheets(new Sheet { Name = "Usage", SheetId = 1, Id = "rId1" })).Save(stream));
        WriteEntry(zip, "xl/styles.xml", stream => Stylesheet().Save(stream));
        var count = 0;
        WriteEntry(zip, "xl/worksheets/sheet1.xml", stream => count = WriteSheet(stream, rows, zone, headings));
        return count;
    }

    private const string ContentTypesXml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
        """;

    private const string PackageRelationshipsXml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """;

    private const string WorkbookRelationshipsXml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
        """;

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(stream);
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The worksheet's XML, one row at a time, straight into the part's stream (SAX with
    /// <see cref="XmlWriter"/>: no element objects per cell, so the cost per row is the text itself).
    /// Strings are inline (no shared-string table to hold in memory).
    /// </summary>
    private static int WriteSheet(Stream sheet, IEnumerable<UsageRow> rows, TimeZoneInfo zone, string[] headings)
    {
        const string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        using var xml = XmlWriter.Create(sheet, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("worksheet", ns);
        xml.WriteStartElement("sheetData", ns);
        xml.WriteStartElement("row", ns);
        foreach (var heading in headings)
        {
            WriteText(xml, heading, StyleBold);
        }

        xml.WriteEndElement();
        var count = 0;
        foreach (var row in rows)
        {
            xml.WriteStartElement("row", ns);
            var local = Local(row.OccurredAt, zone);
            WriteNumber(xml, local.ToOADate().ToString(CultureInfo.InvariantCulture), StyleDateTime);
            WriteText(xml, row.Product);
            WriteText(xml, row.Identifier ?? "");
            WriteText(xml, row.Description ?? "");
            WriteNumber(xml, row.Quantity.ToString(CultureInfo.InvariantCulture), 0);
            WriteText(xml, row.Unit);
            WriteText(xml, row.InvoiceNumber ?? "");
            xml.WriteEndElement();
            count++;
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
        return count;
    }

    private const uint StyleBold = 1;
    private const uint StyleDateTime = 2;

    private static void WriteNumber(XmlWriter xml, string value, uint style)
    {
        xml.WriteStartElement("c");
        if (style != 0)
        {
            xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteStartElement("v");
        xml.WriteString(value);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteText(XmlWriter xml, string text, uint style = 0)
    {
        xml.WriteStartElement("c");
        xml.WriteAttributeString("t", "inlineStr");
        if (style != 0)
        {
            xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteStartElement("is");
        xml.WriteStartElement("t");
        if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
        {
            xml.WriteAttributeString("xml", "space", null, "preserve");
        }

        xml.WriteString(XmlSafe(text));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>The text without the characters XML 1.0 cannot carry (control characters a description might hold).</summary>
    private static string XmlSafe(string text)
    {
        foreach (var ch in text)
        {
            if (!XmlConvert.IsXmlChar(ch) && !char.IsSurrogate(ch))
            {
                return string.Concat(text.Where(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)));
            }
        }

        return text;
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
