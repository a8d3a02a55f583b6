namespace Portal.Features.Ledger;

public static class LedgerSetup
{
    /// <summary>The ledger: balances and postings every money feature writes through.</summary>
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Ledger>();
        return builder;
    }
}
