using Portal.Infrastructure.Api;
using Portal.Features.ServiceCalls;

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
}
