using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Reads the integration API's OpenAPI document from the test host and sends every operation hostile
/// input: malformed JSON, wrong types, nulls at the top, in arrays and nested, huge numbers, long and
/// control-character strings, duplicate keys, odd headers and path values. Every answer is below 500,
/// every error is application/problem+json, and no table gains or loses a row. A fixed seed and a
/// bounded number of cases per operation keep it repeatable and fast; on a portal of its own, so that
/// the row counts are this test's alone.
/// </summary>
public sealed class OpenApiFuzzTests : IAsyncLifetime
{
    private const int Seed = 20261130;
    private const int CasesPerOperation = 48;

    private static readonly string[] Methods = ["get", "put", "post", "patch", "delete"];

    private static readonly string[] MalformedBodies =
    [
        "", " ", "{", "}", "[", "{]", "nul", "null", "true", "0", "\"text\"", "[]", "[null]", "{}}", "{\"a\":}", "{'a':1}",
        "{\"a\":1,}", "\u0000", "{\"\u0000\":1}", "\uFEFF{}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}", "{\"a\":1e99999}",
        new string('[', 5000) + new string(']', 5000), string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000),
        "{\"a\":\"" + new string('x', 300_000) + "\"}",
    ];

    private static readonly string[] HostileStrings =
    [
        "", " ", "\u0000", "\u0007bell", "\u202Eevil", "a\u0000b", "\r\n", "' OR 1=1 --", "%00", "../../etc/passwd", "\ud83d\ude00",
        new string('x', 100_000), new string('9', 400), "\u200B", "<script>alert(1)</script>", "NaN", "-0", "1e309",
    ];

    private static readonly string[] HostileNumbers =
    [
        "1e309", "-1e309", "1e-400", "99999999999999999999999999999999999999", "-99999999999999999999999999999",
        "79228162514264337593543950335", "79228162514264337593543950336", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1.00000000000000000000000000001", "0.000000000000000000000000000001", "1E+28", "-0", "1e2",
        "2147483648", "-2147483649", "NaN", "\"1\"", "true", "[]", "{}", "null",
    ];

    private static readonly string[] HostilePathValues =
    [
        // Not %00: the test server's own URL decoder throws on it before the app sees it (Kestrel answers 400 itself).
        "%2e%2e%2f%2e%2e", "%2F", "..", "%E2%80%AE", "%F0%9F%98%80", new string('x', 3000), "'%20OR%201=1--", "%0d%0aX:1", "%ff", "%C0%AF",
    ];

    private readonly PortalFactory _portal = new();

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _portal.ResetSqlitePoolsAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Every_operation_survives_hostile_input_without_a_5xx_a_non_problem_error_or_a_row_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await IntegrationClient.CreateAsync(_portal, "fuzzer");
        var document = JsonNode.Parse(await _portal.CreateClient().GetStringAsync("/openapi/v1.json", ct))!;
        var random = new Random(Seed);
        var before = await CountRowsAsync(ct);
        var failures = new List<string>();
        var sent = 0;
        var operations = 0;

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods.Where(m => item![m] is not null))
            {
                operations++;
                var operation = item![method]!;
                var cases = CasesFor(document, path, operation, random).Take(CasesPerOperation).ToList();
                foreach (var fuzz in cases)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), fuzz.Url);
                    if (fuzz.Body is not null)
                    {
                        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(fuzz.Body));
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType ?? "application/json");
                    }

                    foreach (var (name, value) in fuzz.Headers)
                    {
                        if (!request.Headers.TryAddWithoutValidation(name, value))
                        {
                            request.Content?.Headers.TryAddWithoutValidation(name, value);
                        }
                    }

                    using var response = await client.SendAsync(request, ct);
                    sent++;
                    var status = (int)response.StatusCode;
                    var what = $"{method.ToUpperInvariant()} {path} [{fuzz.Description}]";
                    if (status >= 500)
                    {
                        failures.Add($"{what}: {status} {Shorten(await response.Content.ReadAsStringAsync(ct))}");
                    }
                    else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{what}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no body"}, not a problem");
                    }
                    else if (status is >= 200 and < 300 && method != "get")
                    {
                        failures.Add($"{what}: accepted with {status}");
                    }
                }
            }
        }

        var after = await CountRowsAsync(ct);
        var changed = before.Where(t => after[t.Key] != t.Value).Select(t => $"{t.Key}: {t.Value} -> {after[t.Key]}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} fuzzed requests failed:\n  " + string.Join("\n  ", failures.Take(60)));
        Assert.True(changed.Count == 0, "Rows were written by refused requests: " + string.Join(", ", changed));
        Assert.True(operations >= 20, $"only {operations} operations in the document");
        Assert.True(sent >= operations * 10, $"only {sent} requests");
    }

    private sealed record Case(string Description, string Url, string? Body, string? ContentType, List<(string Name, string Value)> Headers);

    private static IEnumerable<Case> CasesFor(JsonNode document, string path, JsonNode operation, Random random)
    {
        var parameters = operation["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
        var pathNames = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList();
        var queryNames = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();
        string Url(string? hostilePath = null, string? query = null)
        {
            var url = path;
            foreach (var name in pathNames)
            {
                url = url.Replace("{" + name + "}", hostilePath ?? "FZ-" + random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return query is null ? url : url + "?" + query;
        }

        var schema = Resolve(document, operation["requestBody"]?["content"]?["application/json"]?["schema"]);
        var cases = new List<Case>();
        foreach (var value in HostilePathValues.Where(_ => pathNames.Count > 0))
        {
            cases.Add(new Case("path " + Shorten(value), Url(value), schema is null ? null : "{}", null, []));
        }

        foreach (var name in queryNames)
        {
            foreach (var value in new[] { "abc", "-1", "0", "99999999999999999999", "1e309", "%00", new string('x', 5000), "%E2%80%AE", "" })
            {
                cases.Add(new Case($"query {name}={Shorten(value)}", Url(query: $"{name}={value}"), null, null, []));
            }
        }

        cases.Add(new Case("odd headers", Url(), schema is null ? null : "{}", null,
            [("X-HTTP-Method-Override", "DELETE"), ("Accept", "application/xml;q=2, */*;q=nope"), ("Accept-Charset", "utf-7"), ("If-None-Match", "\"\u0000\""), ("Range", "bytes=999999999-")]));

        if (schema is not null)
        {
            foreach (var body in MalformedBodies)
            {
                cases.Add(new Case("body " + Shorten(body), Url(), body, null, []));
            }

            foreach (var contentType in new[] { "text/plain", "application/json; charset=utf-16", "application/json; charset=nope", "application/x-www-form-urlencoded", "multipart/form-data" })
            {
                cases.Add(new Case("content-type " + contentType, Url(), "{}", contentType, []));
            }

            cases.Add(new Case("gzip that is not", Url(), "{}", null, [("Content-Encoding", "gzip")]));
            var properties = schema["properties"]?.AsObject().Select(p => (p.Key, Schema: Resolve(document, p.Value))).ToList() ?? [];
            var skeleton = Skeleton(document, schema, 0);
            foreach (var (name, propertySchema) in properties)
            {
                var types = TypesOf(propertySchema);
                foreach (var wrong in WrongValues(types))
                {
                    cases.Add(new Case($"{name} = {Shorten(wrong)}", Url(), With(skeleton, name, wrong), null, []));
                }

                foreach (var text in types.Contains("string") ? HostileStrings : [])
                {
                    cases.Add(new Case($"{name} = \"{Shorten(text)}\"", Url(), With(skeleton, name, JsonValue.Create(text)!.ToJsonString()), null, []));
                }

                foreach (var number in types.Contains("number") || types.Contains("integer") ? HostileNumbers : [])
                {
                    cases.Add(new Case($"{name} = {number}", Url(), With(skeleton, name, number), null, []));
                }

                if (types.Contains("array"))
                {
                    var items = Resolve(document, propertySchema?["items"]);
                    var nestedNulls = items?["properties"] is JsonObject itemProperties
                        ? "[{" + string.Join(",", itemProperties.Select(p => $"\"{p.Key}\":null")) + "}]"
                        : "[[null]]";
                    foreach (var nulls in new[] { "[null]", "[null,null]", "[{}]", "[[]]", nestedNulls, "[" + string.Join(",", Enumerable.Repeat("{}", 5000)) + "]" })
                    {
                        cases.Add(new Case($"{name} = {Shorten(nulls)}", Url(), With(skeleton, name, nulls), null, []));
                    }
                }

                cases.Add(new Case($"{name} twice", Url(), DuplicateKey(skeleton, name), null, []));
            }

            cases.Add(new Case("every property null", Url(), "{" + string.Join(",", properties.Select(p => $"\"{p.Key}\":null")) + "}", null, []));
        }

        // A fixed sample: the hostile path values and malformed bodies first, then a shuffled share of the rest.
        var fixedShare = cases.Take(CasesPerOperation / 2).ToList();
        var rest = cases.Skip(fixedShare.Count).OrderBy(_ => random.Next()).ToList();
        return fixedShare.Concat(rest);
    }

    private static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var hops = 0; hops < 5 && schema?["$ref"] is JsonValue reference; hops++)
        {
            var name = ((string)reference!).Split('/')[^1];
            schema = document["components"]?["schemas"]?[name];
        }

        return schema;
    }

    private static HashSet<string> TypesOf(JsonNode? schema)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        switch (schema?["type"])
        {
            case JsonValue single:
                types.Add((string)single!);
                break;
            case JsonArray many:
                foreach (var t in many)
                {
                    types.Add((string)t!);
                }

                break;
        }

        if (schema?["enum"] is not null)
        {
            types.Add("string");
        }

        if (types.Count == 0 && schema?["properties"] is not null)
        {
            types.Add("object");
        }

        return types;
    }

    private static IEnumerable<string> WrongValues(HashSet<string> types)
    {
        if (!types.Contains("string"))
        {
            yield return "\"wrong\"";
        }

        if (!types.Contains("number") && !types.Contains("integer"))
        {
            yield return "12345";
        }

        if (!types.Contains("boolean"))
        {
            yield return "true";
        }

        if (!types.Contains("array"))
        {
            yield return "[1,2]";
        }

        if (!types.Contains("object"))
        {
            yield return "{\"x\":1}";
        }

        yield return "null";
    }

    // A body of the schema's shape: every property with a value of its type, so one changed property is what is tested.
    private static JsonObject Skeleton(JsonNode document, JsonNode schema, int depth)
    {
        var body = new JsonObject();
        foreach (var (name, raw) in schema["properties"]?.AsObject() ?? [])
        {
            var property = Resolve(document, raw);
            var types = TypesOf(property);
            body[name] = types switch
            {
                _ when property?["enum"] is JsonArray values && values.Count > 0 => values[0]?.DeepClone(),
                _ when types.Contains("string") => "FZ",
                _ when types.Contains("integer") || types.Contains("number") => 1,
                _ when types.Contains("boolean") => true,
                _ when types.Contains("array") && depth < 2 && Resolve(document, property?["items"]) is { } items && items["properties"] is not null =>
                    new JsonArray(Skeleton(document, items, depth + 1)),
                _ when types.Contains("array") => new JsonArray(),
                _ when types.Contains("object") && depth < 2 && property is not null => Skeleton(document, property, depth + 1),
                _ => null,
            };
        }

        return body;
    }

    private static string With(JsonObject skeleton, string name, string rawValue)
    {
        var copy = skeleton.DeepClone().AsObject();
        copy[name] = 0;
        // The raw value is spliced in as text, so that literals JsonNode cannot hold (1e309, 40 digits) go out as written.
        return copy.ToJsonString().Replace($"\"{name}\":0", $"\"{name}\":{rawValue}", StringComparison.Ordinal);
    }

    private static string DuplicateKey(JsonObject skeleton, string name)
    {
        var text = skeleton.ToJsonString();
        return text.Length <= 2 ? $"{{\"{name}\":1,\"{name}\":2}}" : "{" + $"\"{name}\":null," + text[1..];
    }

    private static string Shorten(string text)
    {
        var printable = new string(text.Select(c => char.IsControl(c) ? '·' : c).ToArray());
        return printable.Length > 60 ? printable[..60] + $"…({text.Length})" : printable;
    }

    private async Task<Dictionary<string, long>> CountRowsAsync(CancellationToken ct) => await _portal.WithDbAsync(async db =>
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var table in tables)
        {
#pragma warning disable EF1002 // table names come from the model, not from input
            counts[table] = await db.Database.SqlQueryRaw<long>($"SELECT COUNT(*) AS \"Value\" FROM \"{table}\"").SingleAsync(ct);
#pragma warning restore EF1002
        }

        return counts;
    });
}
