using System.Globalization;
using System.Text;
using CsvHelper;
using Portal.Infrastructure.Paging;

namespace Portal.Infrastructure.Export;

/// <summary>
/// A CSV file written into the response while it is being read: rows collect in a small buffer that is
/// flushed asynchronously every batch, so an export of any length holds one batch in memory. UTF-8
/// with a byte-order mark (spreadsheets then read accents right); numbers and dates invariant.
/// </summary>
public sealed class CsvDownload
{
    public const string ContentType = "text/csv; charset=utf-8";

    private readonly HttpResponse _response;
    private readonly StringBuilder _buffer = new();

    private CsvDownload(HttpResponse response) => _response = response;

    /// <summary>Sends the headers and the heading row; the response is committed from here on.</summary>
    public static async Task<CsvDownload> StartAsync(HttpResponse response, string fileName, IReadOnlyList<string> headings, CancellationToken ct)
    {
        response.ContentType = ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        response.Headers.CacheControl = "private, no-store";
        var download = new CsvDownload(response);
        download.Row(headings.Select(Text).ToArray());
        await response.Body.WriteAsync(Encoding.UTF8.GetPreamble(), ct);
        await download.FlushAsync(ct);
        return download;
    }

    /// <summary>Adds one record; free text must go through <see cref="Text"/>.</summary>
    public void Row(params string[] fields)
    {
        using var csv = CsvWriter.Create(new StringWriter(_buffer, CultureInfo.InvariantCulture), CsvWriterOptions.Default, false);
        foreach (var field in fields)
        {
            csv.WriteField(field);
        }

        csv.EndRecord();
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_buffer.Length > 0)
        {
            await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(_buffer.ToString()), ct);
            _buffer.Clear();
        }
    }

    /// <summary>
    /// Writes a keyset-paged list to its end: <paramref name="read"/> reads the batch after a cursor (null for
    /// the first), <paramref name="row"/> adds a row, and each batch is flushed before the next is read, so
    /// the export holds one batch at a time however long the list.
    /// </summary>
    public Task WriteRowsAsync<TRow>(Func<string?, Task<KeysetPage<TRow>>> read, Action<TRow> row, CancellationToken ct) =>
        WriteBatchesAsync(
            read,
            rows =>
            {
                rows.ForEach(row);
                return Task.CompletedTask;
            },
            ct);

    /// <summary>
    /// As <see cref="WriteRowsAsync"/>, for an export that reads more per batch (in one query for the batch,
    /// not one per row) before writing its rows.
    /// </summary>
    public async Task WriteBatchesAsync<TRow>(Func<string?, Task<KeysetPage<TRow>>> read, Func<List<TRow>, Task> write, CancellationToken ct)
    {
        string? after = null;
        do
        {
            var page = await read(after);
            await write(page.Rows);
            await FlushAsync(ct);
            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>A text cell that a spreadsheet would run as a formula is written with a leading apostrophe.</summary>
    public static string Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";

    public static string Amount(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTime utc, TimeZoneInfo zone) =>
        OperatorClock.ToLocal(utc, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
