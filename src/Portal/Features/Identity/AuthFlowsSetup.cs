using Microsoft.AspNetCore.Identity;
using Portal.Features.Identity.Passwords;
using Portal.Features.Invitations;
using Portal.Infrastructure.Email;

namespace Portal.Features.Identity;

public static class AuthFlowsSetup
{
    /// <summary>Invitations, registration and password recovery: the password policy, the reset-token provider, the services.</summary>
    public static WebApplicationBuilder AddPortalAuthFlows(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<IPasswordValidator<PortalUser>, CommonPasswordValidator>();
        services.AddTransient<PasswordResetTokenProvider>();
        services.Configure<IdentityOptions>(o =>
        {
            o.Tokens.ProviderMap[PasswordResetTokenProvider.Name] = new TokenProviderDescriptor(typeof(PasswordResetTokenProvider));
            o.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.Name;
        });
        services.AddScoped<PublicLinks>();
        services.AddScoped<InvitationService>();
        return builder;
    }
}
