using System.Text;

namespace Portal.Infrastructure.Cli;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, double-quoted fields that may hold commas, quotes
/// (doubled) and line breaks; the first row is the header. Rows come back as field maps with the
/// line number they started on, so errors can point at the file.
/// </summary>
public sealed class CsvFile(TextReader reader)
{
    private int _line;

    public IReadOnlyList<string> Header { get; private set; } = [];

    public async IAsyncEnumerable<CsvRecord> ReadAsync()
    {
        var header = await ReadFieldsAsync();
        if (header is null)
        {
            yield break;
        }

        Header = header.Value.Fields.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        while (await ReadFieldsAsync() is { } row)
        {
            if (row.Fields.Count == 1 && row.Fields[0].Length == 0)
            {
                continue; // a blank line
            }

            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < Header.Count && i < row.Fields.Count; i++)
            {
                map[Header[i]] = row.Fields[i].Trim();
            }

            yield return new CsvRecord(row.Line, map);
        }
    }

    private async Task<(int Line, List<string> Fields)?> ReadFieldsAsync()
    {
        var first = await reader.ReadLineAsync();
        if (first is null)
        {
            return null;
        }

        var start = ++_line;
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = first;
        var i = 0;
        var quoted = false;
        while (true)
        {
            if (i == line.Length)
            {
                if (quoted)
                {
                    // A line break inside quotes belongs to the field.
                    var next = await reader.ReadLineAsync() ?? throw new FormatException($"Line {start}: a quoted field is not closed.");
                    _line++;
                    field.Append('\n');
                    line = next;
                    i = 0;
                    continue;
                }

                fields.Add(field.ToString());
                return (start, fields);
            }

            var c = line[i++];
            if (quoted)
            {
                if (c == '"' && i < line.Length && line[i] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
    }
}

/// <summary>One data row: the line it started on and its fields by (case-insensitive) header name.</summary>
public sealed record CsvRecord(int Line, IReadOnlyDictionary<string, string> Fields);
