namespace Portal.Features.Settings;

public static class SettingsSetup
{
    /// <summary>What the My account pages need beyond Identity: the e-mail change links.</summary>
    public static WebApplicationBuilder AddAccountSettings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EmailChangeTokens>();
        return builder;
    }
}
