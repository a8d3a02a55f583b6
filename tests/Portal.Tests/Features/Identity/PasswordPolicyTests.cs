using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Identity;
using Portal.Features.Identity.Passwords;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Identity;

public sealed class PasswordPolicyTests(PortalFactory portal)
{
    [Fact]
    public void The_embedded_list_holds_at_least_ten_thousand_common_passwords()
    {
        Assert.True(CommonPasswordValidator.Count >= 10_000, $"{CommonPasswordValidator.Count} passwords");
        Assert.True(CommonPasswordValidator.IsCommon("Password1"));
        Assert.True(CommonPasswordValidator.IsCommon("sunshine"));
        Assert.False(CommonPasswordValidator.IsCommon(AuthFlowData.StrongPassword));
    }

    [Theory]
    [InlineData("iloveyou1", false)]
    [InlineData("correct horse battery staple", true)]
    [InlineData("ééééééééééé-Ünïcode-pass", true)]
    public async Task Length_and_the_list_decide_never_composition(string password, bool accepted)
    {
        Assert.Equal(accepted, (await ValidateAsync("someone@test.example", password)).Succeeded);
    }

    [Fact]
    public async Task Passwords_of_64_characters_pass_and_over_128_are_refused()
    {
        Assert.True((await ValidateAsync("someone@test.example", new string('k', 30) + "-" + new string('q', 33))).Succeeded);
        var tooLong = await ValidateAsync("someone@test.example", new string('z', 129));
        Assert.Contains(tooLong.Errors, e => e.Code == "PasswordTooLong");
    }

    private async Task<IdentityResult> ValidateAsync(string email, string password)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email };
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return IdentityResult.Success;
    }
}
