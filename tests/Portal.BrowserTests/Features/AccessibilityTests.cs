using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>Every page a customer visits passes axe with no serious or critical violation.</summary>
public sealed class AccessibilityTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData("/login", false)]
    [InlineData("/register", false)]
    [InlineData("/forgot-password", false)]
    [InlineData("/activity", true)]
    [InlineData("/", true)]
    [InlineData("/invoices", true)]
    [InlineData("/invoices/{latest}", true)]
    [InlineData("/payments", true)]
    [InlineData("/credits", true)]
    [InlineData("/contacts", true)]
    [InlineData("/accounts", true)]
    public async Task Page_has_no_serious_accessibility_violation(string url, bool signedIn)
    {
        if (url.Contains("{latest}", StringComparison.Ordinal))
        {
            url = url.Replace("{latest}", await portal.LatestInvoiceNumberAsync(), StringComparison.Ordinal);
        }

        var page = await portal.NewPageAsync();
        try
        {
            if (signedIn)
            {
                await BrowserFixture.LoginAsync(page);
            }

            var response = await page.GotoAsync(url);
            Assert.True(response?.Status == 200, $"{url} answered {response?.Status}.");

            var result = await page.RunAxe();

            var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
            var report = new StringBuilder();
            foreach (var violation in violations)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{violation.Impact} {violation.Id}: {violation.Help} ({violation.HelpUrl})");
                foreach (var node in violation.Nodes.Take(5))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
                }
            }

            Assert.True(violations.Count == 0, $"axe found on {url}:\n{report}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
