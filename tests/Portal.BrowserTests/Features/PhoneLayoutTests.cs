using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>
/// The list pages on a 390x844 phone, as an accounts-payable clerk uses them: the first invoice on the
/// first screen, each invoice in two lines, sort and filters at hand, every menu entry reachable, the
/// overview's figures first and the rest behind "Show more"; and the console's destructive buttons ask first.
/// </summary>
public sealed class PhoneLayoutTests(BrowserFixture portal)
{
    private const int Width = 390;
    private const int Height = 844;
    private static readonly string[] Blocking = ["serious", "critical"];

    [Fact]
    public async Task The_first_invoice_is_on_the_first_screen_in_two_lines_with_sort_at_hand()
    {
        var page = await portal.NewPageAsync(Width, Height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices");

            var first = page.Locator("table.doc-list tbody tr").First;
            var box = await first.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Y + box.Height <= Height, $"The first invoice ends at {box.Y + box.Height:0} px, below the {Height} px screen.");
            // Number, status, due date and open amount: two lines, not a seven-line card.
            Assert.True(box.Height <= 80, $"The first invoice is {box.Height:0} px tall.");
            Assert.True(await first.Locator("td.doc-number").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-due").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-open").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-status").IsVisibleAsync());
            Assert.False(await first.Locator("td.doc-secondary").First.IsVisibleAsync());
            // No empty "Attachments" label on a row without attachments.
            var emptyAttachments = page.Locator("table.doc-list tbody td.doc-attachments:not(:has(.attachment-count))");
            if (await emptyAttachments.CountAsync() > 0)
            {
                Assert.False(await emptyAttachments.First.IsVisibleAsync());
            }

            // Sorting without the hidden column headers: by due date, oldest first.
            await page.Locator("#phone-sort").SelectOptionAsync("due");
            await page.Locator("#phone-dir").SelectOptionAsync("asc");
            await page.Locator("form.phone-sort button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("sort=due", StringComparison.Ordinal), BrowserFixture.Parsed);
            var dues = await page.Locator("table.doc-list tbody td.doc-due time").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('datetime'))");
            Assert.True(dues.Length > 1);
            Assert.Equal(dues.Order(StringComparer.Ordinal), dues);
            Assert.True(await page.Locator("#status").IsVisibleAsync(), "The status filter is not on the phone's screen.");

            await AssertNoSeriousViolationAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("/payments")]
    [InlineData("/credits")]
    public async Task The_first_payment_and_credit_are_on_the_first_screen_in_two_lines(string list)
    {
        var page = await portal.NewPageAsync(Width, Height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync(list);

            var first = page.Locator("table.doc-list tbody tr").First;
            var box = await first.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Y + box.Height <= Height, $"The first row ends at {box.Y + box.Height:0} px, below the {Height} px screen.");
            // Number, date, amount and status (or what is left of a credit): two lines.
            Assert.True(box.Height <= 80, $"The first row is {box.Height:0} px tall.");
            Assert.True(await first.Locator("td.doc-number").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-due").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-open").IsVisibleAsync());
            Assert.True(await first.Locator("td.doc-status").IsVisibleAsync());
            Assert.False(await first.Locator("td.doc-secondary").First.IsVisibleAsync());
            await AssertNoSeriousViolationAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_header_collapses_to_one_line_after_scrolling_and_stays_at_the_top()
    {
        var page = await portal.NewPageAsync(Width, Height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices");
            var header = page.Locator("header.topbar");
            var before = await header.BoundingBoxAsync();

            await page.EvaluateAsync("window.scrollTo(0, 700)");
            await page.WaitForSelectorAsync("header.topbar.topbar-collapsed");
            var after = await header.BoundingBoxAsync();

            Assert.True(after!.Height < before!.Height - 20, $"The header went from {before.Height:0} to {after.Height:0} px.");
            Assert.True(after.Y is > -1 and < 1, $"The collapsed header is at y={after.Y:0}, not at the top of the screen.");
            Assert.True(await page.Locator("header.topbar .user-menu").IsVisibleAsync());
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await page.WaitForSelectorAsync("header.topbar:not(.topbar-collapsed)");
            Assert.True(await page.Locator("#site-search-q").IsVisibleAsync());
            await AssertNoSeriousViolationAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Every_menu_entry_can_be_reached_and_the_header_stays_compact()
    {
        var page = await portal.NewPageAsync(Width, Height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices");

            var header = await page.Locator("header.topbar").BoundingBoxAsync();
            // It was 240 px (issue 10): brand, account and user on one line, the search on a second.
            Assert.True(header!.Height <= 160, $"The header is {header.Height:0} px tall.");
            var links = page.Locator("nav.sidenav a");
            var count = await links.CountAsync();
            Assert.True(count >= 8, $"Only {count} menu entries.");
            var scrollable = await page.Locator("nav.sidenav ul").EvaluateAsync<bool>("ul => ul.scrollWidth > ul.clientWidth && getComputedStyle(ul).overflowX === 'auto'");
            Assert.True(scrollable, "The menu does not scroll sideways.");
            var shadows = await page.Locator("nav.sidenav ul").EvaluateAsync<string>("ul => getComputedStyle(ul).backgroundImage");
            Assert.Contains("gradient", shadows, StringComparison.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var link = links.Nth(i);
                await link.ScrollIntoViewIfNeededAsync();
                var box = await link.BoundingBoxAsync();
                Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= Width + 1, $"Menu entry {i} ({await link.TextContentAsync()}) is off the screen at x={box?.X.ToString("0", CultureInfo.InvariantCulture)}.");
            }

            var last = links.Nth(count - 1);
            var href = await last.GetAttributeAsync("href");
            await last.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == href, BrowserFixture.Parsed);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_overview_shows_the_figures_first_and_the_rest_behind_show_more()
    {
        var phone = await portal.NewPageAsync(Width, Height);
        var desktop = await portal.NewPageAsync();
        try
        {
            await BrowserFixture.LoginAsync(phone);
            await BrowserFixture.LoginAsync(desktop);

            var figure = await phone.Locator("[data-figure=due]").BoundingBoxAsync();
            Assert.True(figure!.Y + figure.Height <= Height, $"The amount due ends at {figure.Y + figure.Height:0} px.");
            var latest = phone.Locator("[data-test=latest-invoice]");
            Assert.False(await latest.IsVisibleAsync());
            await phone.Locator("details.show-more > summary").ClickAsync();
            Assert.True(await latest.IsVisibleAsync());
            // On a desktop nothing is hidden.
            Assert.False(await desktop.Locator("details.show-more > summary").IsVisibleAsync());
            Assert.True(await desktop.Locator("[data-test=latest-invoice]").IsVisibleAsync());
            // The split between Bayside and the account billed to it (North Yard) is one click away.
            var split = phone.Locator("[data-test=children-split]");
            await split.Locator("summary").ClickAsync();
            Assert.True(await split.Locator("tr[data-account='10002']").IsVisibleAsync());
            await AssertNoSeriousViolationAsync(phone);
            await AssertNoSeriousViolationAsync(desktop);
        }
        finally
        {
            await phone.Context.CloseAsync();
            await desktop.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(Width, Height)]
    [InlineData(1280, 900)]
    public async Task A_destructive_console_button_looks_dangerous_and_asks_before_it_acts(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page, Portal.Data.DemoData.StaffEmail);
            var userId = await portal.WithDbAsync(db => Task.FromResult(db.Users.Where(u => u.Email == Portal.Data.DemoData.OtherCustomerEmail).Select(u => u.Id).First()));
            await page.GotoAsync($"/admin/users/{userId}");

            var disable = page.Locator("[data-test=disable]");
            var confirm = disable.Locator("button[type=submit]");
            Assert.False(await confirm.IsVisibleAsync(), "The login is one click from being disabled.");
            var colour = await disable.Locator("summary").EvaluateAsync<string>("s => getComputedStyle(s).color");
            Assert.Equal("rgb(179, 38, 30)", colour);
            await disable.Locator("summary").ClickAsync();
            Assert.True(await confirm.IsVisibleAsync());
            var background = await confirm.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
            Assert.Equal("rgb(179, 38, 30)", background);
            await AssertNoSeriousViolationAsync(page);
            // Cancelling (closing the question) leaves the login as it was.
            await disable.Locator("summary").ClickAsync();
            Assert.False(await confirm.IsVisibleAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertNoSeriousViolationAsync(IPage page)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
        var report = new StringBuilder();
        foreach (var violation in violations)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{violation.Impact} {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
            }
        }

        Assert.True(violations.Count == 0, $"axe found on {page.Url}:\n{report}");
    }
}
