using Portal.Infrastructure.Workers;

namespace Portal.Features.Statements;

public static class StatementsSetup
{
    /// <summary>The worker that e-mails the statements users subscribed to (off with <c>Workers:Enabled</c>).</summary>
    public static WebApplicationBuilder AddStatementMail(this WebApplicationBuilder builder)
    {
        builder.Services.AddWorkerOptions(builder.Configuration);
        builder.Services.AddSingleton<StatementMailWorker>();
        if (builder.Configuration.WorkersEnabled())
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<StatementMailWorker>());
        }

        return builder;
    }
}
