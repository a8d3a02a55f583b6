using System.Diagnostics;
using System.Text.Json.Nodes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

/// <summary>
/// The OpenAPI document is one a client generator can use as it is: Redocly's recommended rules (npm's
/// @redocly/cli, pinned in tests/openapi and installed by test.sh) find no error and no warning, and every
/// operation declares the API key, a summary and its 4xx answers.
/// </summary>
public sealed class OpenApiLintTests(PortalFactory portal)
{
    [Fact]
    public async Task Every_operation_declares_the_api_key_a_summary_and_its_client_errors()
    {
        var document = JsonNode.Parse(await portal.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;

        var scheme = document["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        Assert.Equal("AGPL-3.0-or-later", (string?)document["info"]!["license"]!["identifier"]);
        Assert.DoesNotMatch("/$", (string?)document["servers"]![0]!["url"] ?? "");
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .ToList();
        Assert.True(operations.Count > 25, $"only {operations.Count} operations in the document");
        Assert.All(operations, op =>
        {
            Assert.True(op.Operation["security"]?.AsArray().Any(r => r!.AsObject().ContainsKey("apiKey")) == true, $"{op.Name} declares no API key");
            Assert.False(string.IsNullOrWhiteSpace((string?)op.Operation["summary"]), $"{op.Name} has no summary");
            var responses = op.Operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("401"), $"{op.Name} does not declare its 401");
            // What names something that may not exist, or sends a body, says how it can be refused besides the key.
            if (op.Name.Contains('{', StringComparison.Ordinal) || op.Operation["requestBody"] is not null)
            {
                Assert.True(responses.Any(r => r.Key.StartsWith('4') && r.Key != "401"), $"{op.Name} declares no 4xx besides 401");
            }
        });
    }

    [Fact]
    public async Task Redocly_recommended_rules_find_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var tool = Repository.PathOf("tests", "openapi");
        var cli = Path.Combine(tool, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(cli), "tests/openapi has no node_modules: run `npm ci` there (test.sh does).");
        var file = Path.Combine(Path.GetTempPath(), $"portal-openapi-{Guid.NewGuid():N}.json");
        // As a deployment serves it: with its public address, which the linter checks is a real one.
        using (var deployed = portal.WithWebHostBuilder(b => b.UseSetting("Portal:PublicUrl", "https://portal.northwind-rentals.com/")))
        {
            await File.WriteAllTextAsync(file, await deployed.CreateClient().GetStringAsync("/openapi/v1.json", ct), ct);
        }

        try
        {
            var start = new ProcessStartInfo(cli)
            {
                WorkingDirectory = tool,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "lint", file, "--config", Path.Combine(tool, "redocly.yaml"), "--format", "stylish", "--max-problems", "200" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            var report = await output + await error;
            Assert.True(process.ExitCode == 0, "redocly lint failed:\n" + report);
            // Warnings do not fail the linter's exit code; they fail this test.
            Assert.DoesNotContain("warning", report.Replace("Deprecation warning", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
