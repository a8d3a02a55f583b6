using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Security;

namespace Portal.Infrastructure;

public static class WebSetup
{
    public static readonly CultureInfo[] SupportedCultures = [new("en-US"), new("es"), new("fr")];

    /// <summary>The supported language a saved preference ("es", "fr-FR", "en-US") names, or the default one.</summary>
    public static CultureInfo Culture(string? preference) =>
        SupportedCultures.FirstOrDefault(c => preference is not null
            && (c.Name.Equals(preference, StringComparison.OrdinalIgnoreCase)
                // "fr" or formats chosen with the language ("fr-FR", RegionalFormats): the words are French.
                || c.TwoLetterISOLanguageName.Equals(preference.Split('-')[0], StringComparison.OrdinalIgnoreCase)))
        ?? SupportedCultures[0];

    /// <summary>The cultures the operator offers, in its order; English when it lists none the portal supports.</summary>
    public static IReadOnlyList<CultureInfo> OfferedCultures(Features.Operator.OperatorSettings settings)
    {
        var offered = settings.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(code => SupportedCultures.FirstOrDefault(s => s.TwoLetterISOLanguageName == code || s.Name == code))
            .OfType<CultureInfo>()
            .Distinct()
            .ToList();
        return offered.Count > 0 ? offered : [SupportedCultures[0]];
    }

    /// <summary>
    /// The culture to write in for a saved preference: the offered culture it names, else the operator's
    /// default language (the first it offers), so that a language the operator stopped offering is never used.
    /// </summary>
    public static CultureInfo Culture(string? preference, Features.Operator.OperatorSettings settings)
    {
        var offered = OfferedCultures(settings);
        return Match(offered, preference) ?? offered[0];
    }

    /// <summary>The culture of <paramref name="cultures"/> a name ("es", "fr-FR", "en-US") stands for, if any.</summary>
    public static CultureInfo? Match(IEnumerable<CultureInfo> cultures, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var list = cultures as IReadOnlyCollection<CultureInfo> ?? cultures.ToList();
        return list.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? list.FirstOrDefault(c => c.TwoLetterISOLanguageName.Equals(name.Split('-')[0], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Razor Pages from Features/, the account scope guard, localization and shared services.</summary>
    public static WebApplicationBuilder AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OperatorSettingsCache>();
        services.AddScoped<OperatorClock>();
        services.AddScoped<Formatting>();
        services.AddSingleton<PageRoutes>();
        services.AddScoped<Email.EmailOutbox>();
        services.AddScoped<Events.IntegrationEvents>();
        services.AddScoped<Activity.ActivityLog>();
        services.AddScoped<AccountScope.AccountScope>();
        services.AddScoped<AccountScopeFilter>();
        services.AddHttpContextAccessor();
        services.AddScoped<Data.DemoData>();
        services.AddRouting(o => o.LowercaseUrls = true);
        services.AddHostedService<Pdf.PdfWarmUp>();
        // No ResourcesPath: the anchor type already lives in Portal.Resources, so the embedded names are
        // Portal.Resources.SharedResource.<culture>; a ResourcesPath of "Resources" would make the factory
        // look for Portal.Resources.Resources.SharedResource and silently fall back to English.
        services.AddLocalization();
        // Spanish and French text goes out as characters, not as &#xF3; entities (the default encoder
        // escapes everything outside Basic Latin); markup characters are still escaped.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en-US");
            // Formats may be a culture the person chose (fr-FR); the words are always one of ours.
            o.SupportedCultures = [.. SupportedCultures.Concat(RegionalFormats.Choosable).DistinctBy(c => c.Name)];
            o.SupportedUICultures = SupportedCultures;
            // Only what the operator offers: a cookie or a link naming another language falls back.
            o.RequestCultureProviders = [new OfferedCultureProvider()];
        });
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                // Customer pages everywhere but the console: both policies on /Admin would refuse everyone
                // (the customer policy excludes staff).
                o.Conventions.AddFolderApplicationModelConvention("/", page =>
                {
                    if (page.HandlerType.IsDefined(typeof(IdentitySetup.AlsoForStaffAttribute), inherit: false))
                    {
                        page.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute());
                    }
                    else if (!page.ViewEnginePath.StartsWith("/Admin/", StringComparison.Ordinal))
                    {
                        page.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(IdentitySetup.CustomerPolicy));
                    }
                });
                o.Conventions.AuthorizeFolder("/Admin", IdentitySetup.StaffPolicy);
            })
            .AddMvcOptions(o =>
            {
                o.Filters.Add(new UnhandledMethodFilter());
                o.Filters.AddService<AccountScopeFilter>();
            })
            .AddViewLocalization()
            .AddLocalizedValidation();
        services.AddProblemDetails();
        builder.AddTransportSecurity();
        return builder;
    }

    public static WebApplication UsePortalWeb(this WebApplication app)
    {
        app.UseTransportSecurity();
        // API callers always get RFC 9457 problem bodies, a 500 included (IProblemDetailsService);
        // people get the readable error page.
        app.UseWhen(IsApi, api => api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body the server could not read (too large, cut short) keeps its own 4xx.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode
                : DatabaseOutage.Is(ex) ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status500InternalServerError,
        }));
        if (!app.Environment.IsDevelopment())
        {
            // The outage page outside the handler: it answers when the error page itself cannot (it needs the database too).
            app.UseWhen(ctx => !IsApi(ctx), web => web.UseDatabaseOutagePage().UseExceptionHandler("/error"));
            app.UseHsts();
        }

        // People get a readable error page; API callers get the bare status (or the endpoint's ProblemDetails).
        app.UseWhen(
            ctx => !IsApi(ctx),
            branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseLanguageAndFormats();
        app.UsePortalRateLimits();
        app.UseRouting();
        app.UseAuthentication();
        app.UseViewAs();
        app.UseAuthorization();
        app.UseRequestConnection();
        app.MapRazorPages();
        app.MapPortalHealth();
        return app;
    }

    /// <summary>
    /// The request's language, then its formats: formats follow the operator's region unless the person's
    /// own cookie (or ?c=) names formats they chose; a browser's Accept-Language picks words only.
    /// The health probes skip both steps: the offered languages and the region are operator settings, which a read
    /// fetches once the cached copy is five seconds old, and /healthz/live must answer while the database does not (a
    /// clean-clone test run saw it answer 503 when the language step alone was outside this branch).
    /// </summary>
    private static void UseLanguageAndFormats(this WebApplication app) =>
        app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/healthz"), branch => branch.UseRequestLocalization().Use(async (ctx, next) =>
        {
            var feature = ctx.Features.Get<IRequestCultureFeature>();
            // Only a link or the cookie carries chosen formats (OfferedCultureProvider); a browser's or the
            // default language gives a bare language name, which Chosen does not take for formats.
            var chosen = feature?.Provider is OfferedCultureProvider ? RegionalFormats.Chosen(feature.RequestCulture.Culture.Name) : null;
            if (chosen is null)
            {
                var settings = await ctx.RequestServices.GetRequiredService<OperatorSettingsCache>().GetAsync(ctx.RequestAborted);
                chosen = RegionalFormats.For(CultureInfo.CurrentUICulture, settings.Currency);
            }

            CultureInfo.CurrentCulture = chosen;
            await next();
        }));

    private static bool IsApi(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/openapi");
}
