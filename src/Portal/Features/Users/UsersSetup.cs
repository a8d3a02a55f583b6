namespace Portal.Features.Users;

public static class UsersSetup
{
    /// <summary>The customer's own user administration (<c>/users</c>).</summary>
    public static WebApplicationBuilder AddAccountUsers(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccountUsers>();
        return builder;
    }
}
