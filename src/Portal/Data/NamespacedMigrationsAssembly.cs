using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Data;

/// <summary>
/// The migrations and model snapshot of one namespace of an assembly. EF's own lookup takes every
/// migration and the first snapshot marked <c>[DbContext(typeof(PortalDb))]</c> in the assembly, and
/// this project keeps one set per provider side by side (docs/decisions/0010).
/// </summary>
public abstract class NamespacedMigrationsAssembly : IMigrationsAssembly
{
    private readonly Type _contextType;
    private readonly IMigrationsIdGenerator _idGenerator;
    private readonly string _namespace;
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _modelSnapshot;
    private bool _snapshotLooked;

    protected NamespacedMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator, Assembly assembly, string @namespace)
    {
        _contextType = currentContext.Context.GetType();
        _idGenerator = idGenerator;
        Assembly = assembly;
        _namespace = @namespace;
    }

    public Assembly Assembly { get; }

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= FindMigrations();

    public ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!_snapshotLooked)
            {
                var type = TypesOfThisSet().SingleOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)));
                _modelSnapshot = type is null ? null : (ModelSnapshot)Activator.CreateInstance(type)!;
                _snapshotLooked = true;
            }

            return _modelSnapshot;
        }
    }

    public string? FindMigrationId(string nameOrId) =>
        Migrations.Keys.FirstOrDefault(_idGenerator.IsValidId(nameOrId)
            ? id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
            : id => string.Equals(_idGenerator.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private SortedList<string, TypeInfo> FindMigrations()
    {
        var migrations = new SortedList<string, TypeInfo>(StringComparer.Ordinal);
        foreach (var type in TypesOfThisSet().Where(t => t.IsSubclassOf(typeof(Migration))))
        {
            if (type.GetCustomAttribute<MigrationAttribute>() is { } attribute)
            {
                migrations.Add(attribute.Id, type);
            }
        }

        return migrations;
    }

    private IEnumerable<TypeInfo> TypesOfThisSet() =>
        Assembly.DefinedTypes.Where(t =>
            !t.IsAbstract
            && !t.IsGenericTypeDefinition
            && string.Equals(t.Namespace, _namespace, StringComparison.Ordinal)
            && t.GetCustomAttribute<DbContextAttribute>()?.ContextType == _contextType);
}

/// <summary>
/// The portal's migrations for the provider in use: <c>Data/Migrations/Sqlite</c> or
/// <c>Data/Migrations/Postgres</c>, each with its own snapshot. Registered by
/// <see cref="PortalDbOptions"/>, so the app, the tests and <c>dotnet ef</c> all see the same set.
/// </summary>
public sealed class ProviderMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator, IDatabaseProvider provider)
    : NamespacedMigrationsAssembly(currentContext, idGenerator, typeof(PortalDb).Assembly, NamespaceFor(provider))
{
    public const string SqliteNamespace = "Portal.Data.Migrations.Sqlite";
    public const string PostgresNamespace = "Portal.Data.Migrations.Postgres";

    private static string NamespaceFor(IDatabaseProvider provider) => provider.Name switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => SqliteNamespace,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => PostgresNamespace,
        _ => throw new NotSupportedException($"The portal has no migrations for the database provider {provider.Name}."),
    };
}
