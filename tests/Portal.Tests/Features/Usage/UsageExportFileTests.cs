using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Features.Usage;
using Portal.Features.Usage.Exports;
using Portal.Infrastructure;
using Portal.Resources;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// <summary>The export file itself, written to a stream that cannot seek (as a response body) and read back with the Open XML SDK.</summary>
public sealed class UsageExportFileTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly UsageRow[] Rows =
    [
        new(2, "DATA", null, " Roaming <EU> & \"zone\" 1\u0001 ", new DateTime(2026, 3, 29, 0, 30, 15, DateTimeKind.Utc), 1234.125m, "GB", 7, "INV-0007"),
        new(1, "CALL", "LINE-1", "Mobile", new DateTime(2026, 3, 28, 23, 59, 59, DateTimeKind.Utc), 0.25m, "min", null, null),
    ];

    [Fact]
    public async Task The_xlsx_streams_to_an_unseekable_output_with_headings_in_the_users_language_dates_styled_and_numbers_as_numbers()
    {
        var zone = UsageTestData.Zone;
        var l = portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        using var spanish = CultureScope.Use(CultureInfo.GetCultureInfo("es"), CultureInfo.GetCultureInfo("es"));
        using var file = new MemoryStream();

        var written = await UsageExportFile.WriteAsync(new ForwardOnly(file), UsageExportFormat.Xlsx, Rows, zone, l, Ct);

        Assert.Equal(2, written);
        file.Position = 0;
        using var document = SpreadsheetDocument.Open(file, false);
        var workbook = document.WorkbookPart!;
        var rows = workbook.WorksheetParts.Single().Worksheet.Descendants<Row>().ToList();
        Assert.Equal(3, rows.Count);
        var headings = rows[0].Elements<Cell>().Select(c => c.InnerText).ToArray();
        Assert.Equal(UsageExportFile.Headings(l), headings);
        Assert.Equal("Fecha y hora", headings[0]);
        var formats = workbook.WorkbookStylesPart!.Stylesheet;
        Assert.True(Font(formats, rows[0].Elements<Cell>().First()).Bold is not null);

        var first = rows[1].Elements<Cell>().ToArray();
        Assert.Equal(7, first.Length);
        // The time is a number (an OLE date in the operator's zone) shown with the date-and-time format.
        Assert.Null(first[0].DataType);
        var at = DateTime.FromOADate(double.Parse(first[0].CellValue!.Text, CultureInfo.InvariantCulture));
        Assert.Equal(OperatorClock.ToLocal(Rows[0].OccurredAt, zone), at);
        Assert.Equal("yyyy-mm-dd hh:mm:ss", NumberFormat(formats, first[0]));
        Assert.Equal(["DATA", "", " Roaming <EU> & \"zone\" 1 "], first[1..4].Select(c => c.InnerText));
        Assert.Null(first[4].DataType);
        Assert.Equal(1234.125m, decimal.Parse(first[4].CellValue!.Text, CultureInfo.InvariantCulture));
        Assert.Equal(["GB", "INV-0007"], first[5..].Select(c => c.InnerText));
        var second = rows[2].Elements<Cell>().Select(c => c.InnerText).ToArray();
        Assert.Equal(["CALL", "LINE-1", "Mobile"], second[1..4]);
        Assert.Equal(["0.25", "min", ""], second[4..]);
    }

    [Fact]
    public async Task The_csv_carries_the_same_columns_and_values()
    {
        var zone = UsageTestData.Zone;
        var l = portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        using var file = new MemoryStream();

        var written = await UsageExportFile.WriteAsync(new ForwardOnly(file), UsageExportFormat.Csv, Rows, zone, l, Ct);

        Assert.Equal(2, written);
        var lines = System.Text.Encoding.UTF8.GetString(file.ToArray()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Date and time,Product,Identifier,Description,Quantity,Unit,Invoice", lines[0], StringComparison.Ordinal);
        var local = OperatorClock.ToLocal(Rows[1].OccurredAt, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.Equal($"{local},CALL,LINE-1,Mobile,0.25,min,", lines[2]);
    }

    private static Font Font(Stylesheet styles, Cell cell) =>
        styles.Fonts!.Elements<Font>().ElementAt((int)Format(styles, cell).FontId!.Value);

    private static string NumberFormat(Stylesheet styles, Cell cell)
    {
        var id = Format(styles, cell).NumberFormatId!.Value;
        return styles.NumberingFormats!.Elements<NumberingFormat>().Single(f => f.NumberFormatId!.Value == id).FormatCode!.Value!;
    }

    private static CellFormat Format(Stylesheet styles, Cell cell) =>
        styles.CellFormats!.Elements<CellFormat>().ElementAt((int)(cell.StyleIndex?.Value ?? 0));

    /// <summary>A write-only stream that cannot seek or tell its length, as an HTTP response body.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
