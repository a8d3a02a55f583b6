using Portal.Features.ServiceCalls;
using Portal.Infrastructure.Api;

namespace Portal.Tests.Infrastructure.Api;

public sealed class ApiErrorsTests
{
    [Theory]
    [InlineData("inProgress", ServiceCallStatus.InProgress)]
    [InlineData("WAITINGONCUSTOMER", ServiceCallStatus.WaitingOnCustomer)]
    public void Enum_values_are_accepted_by_name_in_any_case(string value, ServiceCallStatus expected)
    {
        var errors = new ApiErrors();

        Assert.Equal(expected, errors.Enum<ServiceCallStatus>("status", value));
        Assert.False(errors.Any);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("99")]
    [InlineData("finished")]
    public void Numbers_and_unknown_names_are_refused_with_the_documented_names(string value)
    {
        var errors = new ApiErrors();

        Assert.Null(errors.Enum<ServiceCallStatus>("status", value));
        var message = Assert.Single(errors.ToDictionary()["status"]);
        Assert.Contains("waitingOnCustomer", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Acme\u0000", false)]
    [InlineData("Acme\u0007", false)]
    [InlineData("Ac\u202Eme", false)]
    [InlineData("Ac\u2066me", false)]
    [InlineData("Line one\nline two", false)]
    [InlineData("Line one\nline two", true)]
    [InlineData("Tab\there", true)]
    public void Control_characters_and_bidirectional_overrides_are_refused_except_line_breaks_in_free_text(string value, bool multiline)
    {
        var errors = new ApiErrors();

        errors.Text("name", value, 100, multiline: multiline);

        Assert.Equal(!multiline, errors.ToDictionary().ContainsKey("name"));
    }

    [Fact]
    public void A_list_longer_than_its_bound_is_refused_naming_the_field_and_the_limit()
    {
        var errors = new ApiErrors();

        var items = errors.Items("lines", Enumerable.Range(0, ApiErrors.MaxLines + 1).Select(i => (object?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), ApiErrors.MaxLines);

        Assert.Empty(items);
        Assert.Equal("At most 1000 items.", Assert.Single(errors.ToDictionary()["lines"]));
    }

    [Fact]
    public void A_null_item_is_refused_under_its_own_path()
    {
        var errors = new ApiErrors();

        var items = errors.Items<string>("lines", ["a", null, "c"], 10);

        Assert.Equal(["lines[0]", "lines[2]"], items.Select(i => i.At));
        Assert.True(errors.ToDictionary().ContainsKey("lines[1]"));
    }

    [Fact]
    public void One_wording_and_one_limit_for_every_amount()
    {
        var errors = new ApiErrors();

        errors.Precise("quantity", null, nonNegative: true);
        errors.Precise("unitPrice", 999_999_999_999.9999m, nonNegative: true);
        errors.Precise("rate", 1_000_000_000_000.0001m, nonNegative: true);
        errors.Amount("amount", 1_000_000_000_001m, "USD", positive: true);

        var all = errors.ToDictionary();
        Assert.Equal(ApiErrors.RequiredMessage, Assert.Single(all["quantity"]));
        Assert.False(all.ContainsKey("unitPrice"));
        Assert.Equal(ApiErrors.TooLarge, Assert.Single(all["rate"]));
        Assert.Equal(ApiErrors.TooLarge, Assert.Single(all["amount"]));
    }
}
