using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Registration;

public sealed class RegisterTests(PortalFactory portal)
{
    private const string Generic = "We could not match these details to an account that can register.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_credit_account_with_documents_registers_and_logs_in_with_its_phone_number()
    {
        var account = await portal.NewAccountAsync();
        var client = portal.CreateBrowserClient();
        var formatted = $"({account.Phone[..3]}) {account.Phone[3..6]}-{account.Phone[6..]}";

        var response = await PortalFactory.PostFormAsync(client, "/register", Form(formatted, account.Email.ToUpperInvariant(), " 02139 "));

        Assert.Contains("Your login is ready.", await response.HtmlAsync(), StringComparison.Ordinal);
        var user = await portal.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == account.Email, Ct));
        Assert.Equal(account.Email, user.UserName);
        Assert.Equal(account.Phone, user.PhoneNumber);
        Assert.True(user.PhoneNumberConfirmed);
        var permissions = await portal.WithDbAsync(db => db.Memberships.Where(m => m.UserId == user.Id).Select(m => m.Permissions).SingleAsync(Ct));
        Assert.Equal(Portal.Features.Registration.IndexModel.DefaultPermissions, permissions);
        Assert.True(await portal.WithDbAsync(db => db.IntegrationEvents.AnyAsync(e => e.Type == "user.registered" && e.AccountId == account.Id, Ct)));
        Assert.True(await portal.WithDbAsync(db => db.ActivityEntries.AnyAsync(a => a.Action == "registration.succeeded" && a.AccountId == account.Id, Ct)));

        var byPhone = await portal.LoginAsync(formatted, AuthFlowData.StrongPassword);
        Assert.Contains(account.Name, await (await byPhone.GetAsync("/", Ct)).HtmlAsync(), StringComparison.Ordinal);
        await portal.LoginAsync(account.Email, AuthFlowData.StrongPassword);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("email")]
    [InlineData("zip")]
    public async Task One_wrong_detail_gets_the_generic_message_and_creates_nothing(string wrong)
    {
        var account = await portal.NewAccountAsync();
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/register", Form(
            wrong == "phone" ? "5550000000" : account.Phone,
            wrong == "email" ? "someone-else@test.example" : account.Email,
            wrong == "zip" ? "99999" : account.PostalCode));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Generic, await response.HtmlAsync(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync(account);
    }

    [Fact]
    public async Task A_cash_account_gets_the_same_generic_message_and_the_real_reason_is_in_the_trail()
    {
        var account = await portal.NewAccountAsync(AccountType.Cash);
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/register", Form(account.Phone, account.Email, account.PostalCode));

        Assert.Contains(Generic, await response.HtmlAsync(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync(account);
        var detail = await portal.WithDbAsync(db => db.ActivityEntries.Where(a => a.Action == "registration.failed" && a.AccountId == account.Id).Select(a => a.Detail).SingleAsync(Ct));
        Assert.Equal("not a credit account", detail);
    }

    [Fact]
    public async Task An_account_without_documents_gets_the_same_generic_message()
    {
        var account = await portal.NewAccountAsync(withInvoice: false);
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/register", Form(account.Phone, account.Email, account.PostalCode));

        Assert.Contains(Generic, await response.HtmlAsync(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync(account);
    }

    [Fact]
    public async Task A_common_password_is_refused_before_the_details_are_looked_at()
    {
        var account = await portal.NewAccountAsync();
        var client = portal.CreateBrowserClient();
        var form = Form(account.Phone, account.Email, account.PostalCode);
        form["Input.Password"] = form["Input.ConfirmPassword"] = "iloveyou2";

        var response = await PortalFactory.PostFormAsync(client, "/register", form);

        var html = await response.HtmlAsync();
        Assert.Contains("one of the most common passwords", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Generic, html, StringComparison.Ordinal);
        await AssertNothingCreatedAsync(account);
    }

    private async Task AssertNothingCreatedAsync(AuthFlowData.TestAccount account)
    {
        Assert.False(await portal.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == account.Email || u.PhoneNumber == account.Phone, Ct)));
        Assert.False(await portal.WithDbAsync(db => db.Memberships.AnyAsync(m => m.AccountId == account.Id, Ct)));
    }

    private static Dictionary<string, string> Form(string phone, string email, string zip) => new()
    {
        ["Input.Phone"] = phone,
        ["Input.Email"] = email,
        ["Input.PostalCode"] = zip,
        ["Input.Password"] = AuthFlowData.StrongPassword,
        ["Input.ConfirmPassword"] = AuthFlowData.StrongPassword,
    };
}
