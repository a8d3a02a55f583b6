using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Data;

/// <summary>
/// How <c>dotnet ef</c> makes a <see cref="PortalDb"/>: for the provider named after <c>--</c>
/// (<c>dotnet ef migrations add X ... -- --provider Postgres</c>; tools/add-migration.sh does both).
/// Adding a migration reads the model and the snapshot only, so the connection strings point nowhere;
/// <c>dotnet ef database update</c> takes a real one with <c>--connection</c>.
/// </summary>
public sealed class DesignTimePortalDbFactory : IDesignTimeDbContextFactory<PortalDb>
{
    public PortalDb CreateDbContext(string[] args)
    {
        var at = Array.IndexOf(args, "--provider");
        if (at < 0 || at + 1 >= args.Length || !Enum.TryParse<DatabaseProvider>(args[at + 1], ignoreCase: true, out var provider))
        {
            throw new ArgumentException("Name the database provider after --, for example: dotnet ef migrations add AddThing --output-dir Data/Migrations/Sqlite --namespace Portal.Data.Migrations.Sqlite -- --provider Sqlite (or use tools/add-migration.sh, which does both providers).");
        }

        var connectionString = provider == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Database=portal_design_time"
            : "Data Source=portal-design-time.db";
        return new PortalDb(PortalDbOptions.Create(provider, connectionString));
    }
}
