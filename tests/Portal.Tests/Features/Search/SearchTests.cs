using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Contracts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Operator;
using Portal.Features.Orders;
using Portal.Features.Payments;
using Portal.Features.Quotes;
using Portal.Features.Search;
using Portal.Infrastructure.AccountScope;
using Portal.Tests.Features.Integration;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Search;

/// <summary>/search over the full-text index, on the database under test (SQLite or PostgreSQL).</summary>
public sealed class SearchTests(PortalFactory portal)
{
    private static readonly DateOnly Issued = new(2026, 3, 14);

    /// <summary>An account with one invoice of 1,250.00 on PO "PO-{tag}-77", a line about a hydraulic breaker, and a user.</summary>
    private async Task<(ArrangedAccount Account, Invoice Invoice, string Po)> ArrangeAsync(Permissions permissions = Permissions.All)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, permissions);
        var po = $"PO-{account.Number[1..]}-77";
        var invoice = InvoiceTestData.NewInvoice(account, 1, Issued, 1250m, 1250m, po: po);
        invoice.Lines.Add(new InvoiceLine { LineNumber = 2, Description = "Hydraulic breaker, 60 lb", Quantity = 1, UnitPrice = 0m, Amount = 0m });
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        return (account, invoice, po);
    }

    private static async Task<string> SearchAsync(HttpClient client, string q)
    {
        var response = await client.GetAsync("/search?q=" + Uri.EscapeDataString(q), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static string LinkTo(Invoice invoice) => $"href=\"/invoices/{invoice.Number}\"";

    [Fact]
    public async Task An_invoice_is_found_by_number_PO_amount_in_either_format_date_and_line_text()
    {
        var (account, invoice, po) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        foreach (var q in new[]
        {
            invoice.Number, invoice.Number.ToLowerInvariant(), invoice.Number[..^1], po, po[3..], "1,250.00", "1250.00", "1250", "$1,250.00",
            "2026-03-14", "breaker", "HYDRAULIC breaker", "hydra",
        })
        {
            var html = await SearchAsync(client, q);
            Assert.True(html.Contains(LinkTo(invoice), StringComparison.Ordinal), $"'{q}' did not find {invoice.Number}");
        }

        foreach (var q in new[] { "1,250.01", "2026-03-15", "breakers", "jackhammer", "1250.5" })
        {
            var html = await SearchAsync(client, q);
            Assert.False(html.Contains(LinkTo(invoice), StringComparison.Ordinal), $"'{q}' found {invoice.Number}");
        }
    }

    [Fact]
    public async Task The_match_is_shown_highlighted_and_html_encoded()
    {
        var (account, invoice, _) = await ArrangeAsync();
        await portal.WithDbAsync(async db =>
        {
            db.InvoiceLines.Add(new InvoiceLine { InvoiceId = invoice.Id, LineNumber = 3, Description = "<script>alert(1)</script> Trencher", Quantity = 1, UnitPrice = 0m, Amount = 0m });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await SearchAsync(client, "trencher");

        Assert.Contains(LinkTo(invoice), html, StringComparison.Ordinal);
        Assert.Contains("<mark>Trencher</mark>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_document_is_never_found_even_with_the_same_words()
    {
        var (mine, myInvoice, _) = await ArrangeAsync();
        var (theirs, theirInvoice, theirPo) = await ArrangeAsync();
        var client = await portal.LoginAsync(mine.Email);

        foreach (var q in new[] { theirInvoice.Number, theirPo, "breaker", "1,250.00", "2026-03-14" })
        {
            var html = await SearchAsync(client, q);
            Assert.DoesNotContain(LinkTo(theirInvoice), html, StringComparison.Ordinal);
        }

        foreach (var q in new[] { theirInvoice.Number, theirPo, theirs.Number })
        {
            Assert.Contains("No documents match", await SearchAsync(client, q), StringComparison.Ordinal);
        }

        Assert.Contains(LinkTo(myInvoice), await SearchAsync(client, "breaker"), StringComparison.Ordinal);
        var list = await client.GetStringAsync("/invoices?q=" + Uri.EscapeDataString(theirInvoice.Number), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(LinkTo(theirInvoice), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_accounts_documents_are_found_from_the_parent()
    {
        var (parent, _, _) = await ArrangeAsync();
        var child = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var childInvoice = InvoiceTestData.NewInvoice(child, 5, Issued, 80m, 80m, po: "PO-CHILD-" + child.Number);
        await portal.WithDbAsync(async db =>
        {
            (await db.Accounts.SingleAsync(a => a.Id == child.Id)).ParentAccountId = parent.Id;
            db.Invoices.Add(childInvoice);
            await db.SaveChangesAsync();
        });
        var client = await portal.LoginAsync(parent.Email);

        var html = await SearchAsync(client, childInvoice.Number);

        // Opening it switches to the child account first, then goes to the invoice.
        Assert.Contains(childInvoice.Number, html, StringComparison.Ordinal);
        Assert.Contains($"value=\"/invoices/{childInvoice.Number}\"", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{child.Id}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_kind_is_found_by_number_and_grouped_with_a_link_to_its_page()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var tag = account.Number;
        var now = DateTime.UtcNow;
        await portal.WithDbAsync(async db =>
        {
            db.CreditMemos.Add(new CreditMemo { AccountId = account.Id, ExternalId = "CM-X-" + tag, Number = "CM-" + tag, Date = Issued, Currency = "USD", Amount = 40m, RemainingAmount = 40m, Reason = "Damaged on delivery", CreatedAt = now, UpdatedAt = now });
            db.Payments.Add(new Payment { AccountId = account.Id, Number = "PAY-" + tag, ReceivedAt = now, Currency = "USD", Amount = 75m, UnappliedAmount = 75m, Status = PaymentStatus.Succeeded, Method = PaymentMethodKind.Check, CreatedAt = now });
            db.Orders.Add(new Order { AccountId = account.Id, Number = "SO-" + tag, OrderedAt = now, Currency = "USD", Total = 10m, UpdatedAt = now, Lines = { new OrderLine { LineNumber = 1, ProductCode = "GLV", Description = "Nitrile gloves", Quantity = 1, UnitPrice = 10m, Amount = 10m } } });
            db.Quotes.Add(new Quote { AccountId = account.Id, Number = "QT-" + tag, RequestedAt = now, Currency = "USD", Total = 0m, RequestText = "Scaffolding for six weeks", UpdatedAt = now });
            db.Contracts.Add(new Contract { AccountId = account.Id, ExternalId = "RC-X-" + tag, Number = "RC-" + tag, StartDate = Issued, UpdatedAt = now, Items = { new ContractItem { AccountId = account.Id, LineNumber = 1, ProductCode = "LIFT", Description = "Scissor lift", QuantityOut = 1, DateOut = Issued } } });
            await db.SaveChangesAsync();
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await SearchAsync(client, tag);

        Assert.Contains($"href=\"/credits?q=CM-{tag}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/payments/PAY-{tag}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/orders/SO-{tag}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/quotes/QT-{tag}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/contracts/RC-{tag}\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"results-credits\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/contracts/RC-{tag}\"", await SearchAsync(client, "scissor"), StringComparison.Ordinal);
        Assert.Contains($"href=\"/quotes/QT-{tag}\"", await SearchAsync(client, "scaffolding"), StringComparison.Ordinal);
        Assert.Contains($"href=\"/orders/SO-{tag}\"", await SearchAsync(client, "nitrile"), StringComparison.Ordinal);

        // Deleted with its document.
        await portal.WithDbAsync(async db =>
        {
            await db.Quotes.Where(q => q.Number == "QT-" + tag).ExecuteDeleteAsync();
        });
        Assert.DoesNotContain($"QT-{tag}", await SearchAsync(client, "scaffolding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_see_money_amounts_are_neither_shown_nor_searchable()
    {
        var (account, invoice, _) = await ArrangeAsync(Permissions.View);
        var now = DateTime.UtcNow;
        await portal.WithDbAsync(async db =>
        {
            db.CreditMemos.Add(new CreditMemo { AccountId = account.Id, ExternalId = "CM-X-" + account.Number, Number = "CM-" + account.Number, Date = Issued, Currency = "USD", Amount = 40m, RemainingAmount = 40m, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        });
        var client = await portal.LoginAsync(account.Email);

        var byNumber = await SearchAsync(client, invoice.Number);
        Assert.Contains(LinkTo(invoice), byNumber, StringComparison.Ordinal);
        Assert.DoesNotContain("1,250.00", byNumber, StringComparison.Ordinal);
        foreach (var q in new[] { "1,250.00", "1250.00", "$1,250.00" })
        {
            Assert.DoesNotContain(LinkTo(invoice), await SearchAsync(client, q), StringComparison.Ordinal);
        }

        // Credit memos need "see money" to open, so they are not searched at all.
        Assert.DoesNotContain("CM-" + account.Number, await SearchAsync(client, account.Number), StringComparison.Ordinal);
        Assert.DoesNotContain(LinkTo(invoice), await client.GetStringAsync("/invoices?q=1250.00", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_index_follows_an_upsert_through_the_api_and_a_changed_PO()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var api = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("INV");
        object Body(string po) => new
        {
            account = "T-" + account.Number[1..],
            number = id,
            issueDate = "2026-10-01",
            dueDate = "2026-10-31",
            currency = "USD",
            purchaseOrder = po,
            lines = new[] { new { description = "Pallet jack", quantity = 2m, unitPrice = 321.5m } },
        };
        var client = await portal.LoginAsync(account.Email);

        Assert.Equal(HttpStatusCode.Created, (await api.PutJsonAsync($"/api/v1/invoices/{id}", Body("PO-FIRST-" + account.Number))).StatusCode);
        Assert.Contains($"/invoices/{id}", await SearchAsync(client, "PO-FIRST-" + account.Number), StringComparison.Ordinal);
        Assert.Contains($"/invoices/{id}", await SearchAsync(client, "643.00"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/invoices/{id}", Body("PO-SECOND-" + account.Number))).StatusCode);
        Assert.DoesNotContain($"/invoices/{id}", await SearchAsync(client, "PO-FIRST-" + account.Number), StringComparison.Ordinal);
        Assert.Contains($"/invoices/{id}", await SearchAsync(client, "PO-SECOND-" + account.Number), StringComparison.Ordinal);
        Assert.Contains($"/invoices/{id}", await client.GetStringAsync("/invoices?q=" + Uri.EscapeDataString("PO-SECOND-" + account.Number), ct), StringComparison.Ordinal);
        var rows = await portal.WithDbAsync(db => db.SearchDocuments.CountAsync(s => s.Kind == SearchKind.Invoice && s.Number == id, ct));
        Assert.Equal(1, rows);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("*")]
    [InlineData("NEAR")]
    [InlineData("NEAR(a b)")]
    [InlineData("-")]
    [InlineData("-breaker")]
    [InlineData("(")]
    [InlineData(":")]
    [InlineData("Text:breaker")]
    [InlineData("\"breaker\" OR *")]
    [InlineData("a & b | !c <-> d:*")]
    [InlineData("'; DROP TABLE \"SearchDocuments\"; --")]
    [InlineData("1.2.3,4")]
    [InlineData("ß é ü 中文")]
    public async Task Search_syntax_characters_never_reach_the_engine(string q)
    {
        var (account, invoice, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        var html = await SearchAsync(client, q);
        var list = await client.GetAsync("/invoices?q=" + Uri.EscapeDataString(q), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        if (q == "-breaker")
        {
            // The dash is a separator, not "not": the word is still searched, as a word.
            Assert.Contains(LinkTo(invoice), html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_ten_thousand_character_query_gets_a_clear_message_and_runs_nothing()
    {
        var (account, _, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        var html = await SearchAsync(client, new string('a', 10_000));

        Assert.Contains("The search is too long: use at most 200 characters.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"results-", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_query_shows_the_page_with_a_hint()
    {
        var (account, _, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        foreach (var q in new[] { "", "   " })
        {
            var html = await SearchAsync(client, q);
            Assert.Contains("Type what you are looking for", html, StringComparison.Ordinal);
        }

        Assert.Contains("id=\"site-search-q\"", await client.GetStringAsync("/invoices", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_is_searched_only_where_its_page_would_open()
    {
        var all = new CurrentAccount(1, "1", "A", "USD", null, null, null, false, Permissions.All, false);
        var viewOnly = all with { Permissions = Permissions.View };
        var on = new OperatorSettings();
        var ordersOff = new OperatorSettings();
        ordersOff.Set(PortalFeature.Orders, false);
        var contractsOff = new OperatorSettings();
        contractsOff.Set(PortalFeature.Contracts, false);
        bool Allowed(SearchKind kind, OperatorSettings settings, CurrentAccount account) =>
            Portal.Features.Search.IndexModel.Allowed(Portal.Features.Search.IndexModel.Kinds.Single(k => k.Kind == kind), settings, account);

        Assert.All(Enum.GetValues<SearchKind>(), kind => Assert.True(Allowed(kind, on, all), kind.ToString()));
        Assert.False(Allowed(SearchKind.Order, ordersOff, all));
        Assert.True(Allowed(SearchKind.Invoice, ordersOff, all));
        Assert.False(Allowed(SearchKind.Contract, contractsOff, all));
        Assert.False(Allowed(SearchKind.CreditMemo, on, viewOnly));
        Assert.False(Allowed(SearchKind.Payment, on, viewOnly));
        Assert.True(Allowed(SearchKind.Invoice, on, viewOnly));
    }
}
