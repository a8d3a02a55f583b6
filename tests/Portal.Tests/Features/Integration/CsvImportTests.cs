using Microsoft.EntityFrameworkCore;
using Portal.Features.Integration;
using Portal.Infrastructure.Cli;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

public sealed class CsvImportTests(PortalFactory portal) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Exit, string Out, string Err)> ImportAsync(string kind, string csv)
    {
        var file = Path.Combine(_folder, $"{kind}-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv, TestContext.Current.CancellationToken);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CsvImport.RunAsync(portal.Services, ["import", kind, file], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Reader_handles_quotes_commas_doubled_quotes_and_line_breaks()
    {
        var csv = "code,name,description\r\nA-1,\"Pump, 2\"\" trash\",\"line one\nline two\"\r\n\r\nB-2,Plain,\n";
        var rows = new List<CsvRecord>();
        await foreach (var row in new CsvFile(new StringReader(csv)).ReadAsync())
        {
            rows.Add(row);
        }

        Assert.Equal(2, rows.Count);
        Assert.Equal("Pump, 2\" trash", rows[0].Fields["name"]);
        Assert.Equal("line one\nline two", rows[0].Fields["description"]);
        Assert.Equal(2, rows[0].Line);
        Assert.Equal(5, rows[1].Line); // the header, two physical lines of A-1, a blank line
        Assert.Equal("", rows[1].Fields["description"]);
    }

    [Fact]
    public async Task Usage_import_is_idempotent_and_counts_what_it_already_knew()
    {
        var prefix = IntegrationClient.Unique("csv");
        var csv = "externalId,account,productCode,identifier,occurredAt,quantity,unit\n" +
                  string.Concat(Enumerable.Range(0, 20).Select(i => $"{prefix}-{i},ACC-20001,WATER-M3,meter-7,2026-10-{i + 1:00}T08:00:00Z,{i}.25,m3\n"));

        var first = await ImportAsync("usage", csv);
        var second = await ImportAsync("usage", csv);

        Assert.Equal(0, first.Exit);
        Assert.Contains("20 created", first.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.Exit);
        Assert.Contains("0 created", second.Out, StringComparison.Ordinal);
        Assert.Contains("20 already known", second.Out, StringComparison.Ordinal);
        Assert.Equal(20, await portal.WithDbAsync(db => db.UsageRecords.CountAsync(u => u.ExternalId.StartsWith(prefix), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_bad_usage_row_is_reported_by_line_and_its_batch_is_not_written()
    {
        var prefix = IntegrationClient.Unique("csvbad");
        var csv = "externalId,account,productCode,occurredAt,quantity,unit\n" +
                  $"{prefix}-1,ACC-20001,WATER-M3,2026-10-01T08:00:00Z,3,m3\n" +
                  $"{prefix}-2,ACC-20001,WATER-M3,2026-10-02T08:00:00Z,lots,m3\n" +
                  $"{prefix}-3,NOPE,WATER-M3,2026-10-03T08:00:00Z,1,m3\n";

        var result = await ImportAsync("usage", csv);

        Assert.Equal(1, result.Exit);
        Assert.Contains("line 3: quantity", result.Err, StringComparison.Ordinal);
        Assert.Contains("line 4: account", result.Err, StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.UsageRecords.CountAsync(u => u.ExternalId.StartsWith(prefix), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Product_rows_are_upserted_one_by_one_and_failures_name_the_line()
    {
        var code = IntegrationClient.Unique("CSVP");
        var csv = "code,name,unit,listPrice,currency,active\n" +
                  $"{code},Light tower,day,75.00,USD,true\n" +
                  $"{code}-X,No price,day,,USD,true\n";

        var result = await ImportAsync("products", csv);

        Assert.Equal(1, result.Exit);
        Assert.Contains("1 created", result.Out, StringComparison.Ordinal);
        Assert.Contains("line 3: listPrice", result.Err, StringComparison.Ordinal);
        Assert.True(await portal.WithDbAsync(db => db.Products.AnyAsync(p => p.Code == code, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_unknown_kind_lists_the_kinds()
    {
        var stderr = new StringWriter();

        var exit = await CsvImport.RunAsync(portal.Services, ["import", "widgets", "x.csv"], new StringWriter(), stderr);

        Assert.Equal(2, exit);
        Assert.Contains("usage", stderr.ToString(), StringComparison.Ordinal);
    }
}
