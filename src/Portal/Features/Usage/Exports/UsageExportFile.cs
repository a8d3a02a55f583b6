using System.Globalization;
using System.IO.Packaging;
using System.Text;
using System.Xml;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
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
        var count = 0;
        // The package is opened write-only on a stream that cannot seek or read back: System.IO.Packaging
        // then writes a plain zip (ZipArchiveMode.Create), each part compressed straight into the output as
        // it is written. Opened read-write on the worker's seekable file (what SpreadsheetDocument.Create
        // on a stream does), it would keep every part, the whole sheet included, in memory until it closed.
        // The wrapper also leaves the output open: the worker reads its temporary file back afterwards
        // (closing it deleted the file, which is what broke the worker the first time this was tried).
        using (var streamed = new WriteOnlyStream(output))
        using (var package = Package.Open(streamed, FileMode.Create, FileAccess.Write))
        using (var document = SpreadsheetDocument.Create(package, SpreadsheetDocumentType.Workbook))
        {
            // Each part is written once, whole, in this order: a write-only zip cannot go back to a part.
            var workbook = document.AddWorkbookPart();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            using (var sheet = sheetPart.GetStream(FileMode.Create, FileAccess.Write))
            {
                count = WriteSheet(sheet, rows, zone, headings);
            }

            using (var stylesStream = styles.GetStream(FileMode.Create, FileAccess.Write))
            {
                Stylesheet().Save(stylesStream);
            }

            using (var workbookStream = workbook.GetStream(FileMode.Create, FileAccess.Write))
            {
                new Workbook(new Sheets(new Sheet { Name = "Usage", SheetId = 1, Id = workbook.GetIdOfPart(sheetPart) })).Save(workbookStream);
            }
        }

        return count;
    }

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

    /// <summary>
    /// The output seen as a stream that can only be written forward, and that stays open when the package
    /// closes: what makes System.IO.Packaging stream the zip instead of buffering it.
    /// </summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            _written += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
