using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Portal.Bench.Generate;

/// <summary>
/// The columns of one table as the EF model maps them: the one place that knows table and column
/// names, and how a CLR value becomes what the provider stores (fixed-point money, enums as ints, UTC).
/// </summary>
internal sealed class TableShape
{
    private readonly Func<object, object?>[] _getters;

    public TableShape(IEntityType type)
    {
        Table = type.GetTableName() ?? throw new InvalidOperationException($"{type.Name} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(Table, type.GetSchema());
        var properties = type.GetProperties().Where(p => !p.IsShadowProperty() && p.GetColumnName(store) is not null).ToArray();
        Columns = properties.Select(p => p.GetColumnName(store)!).ToArray();
        ProviderTypes = new Type[properties.Length];
        _getters = new Func<object, object?>[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var getter = property.GetGetter();
            var converter = property.GetTypeMapping().Converter;
            var clr = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            ProviderTypes[i] = converter is null ? clr : Nullable.GetUnderlyingType(converter.ProviderClrType) ?? converter.ProviderClrType;
            if (converter is null)
            {
                _getters[i] = e => getter.GetClrValueUsingContainingEntity(e);
            }
            else
            {
                var toProvider = converter.ConvertToProvider;
                _getters[i] = e => getter.GetClrValueUsingContainingEntity(e) is { } v ? toProvider(v) : null;
            }
        }
    }

    public string Table { get; }

    public string[] Columns { get; }

    public Type[] ProviderTypes { get; }

    public object? Value(object entity, int column) => _getters[column](entity);
}

/// <summary>Appends rows to one table.</summary>
internal interface ITableWriter
{
    void Add(object entity);
}

/// <summary>A bulk load into a fresh database: prepared inserts on SQLite, binary COPY on PostgreSQL.</summary>
internal abstract class BulkSink : IDisposable
{
    public abstract ITableWriter Open(IEntityType type);

    /// <summary>Ends the load: commits, and restores what was relaxed for it.</summary>
    public abstract void Finish();

    public abstract void Dispose();

    public static BulkSink Create(Data.DatabaseProvider provider, string connectionString) =>
        provider == Data.DatabaseProvider.Postgres ? new PostgresSink(connectionString) : new SqliteSink(connectionString);
}

/// <summary>
/// One connection, one transaction per batch of rows, one prepared INSERT per table; durability is
/// off for the load and restored at the end.
/// </summary>
internal sealed class SqliteSink : BulkSink
{
    private const int RowsPerTransaction = 250_000;

    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];
    private SqliteTransaction _transaction;
    private int _rowsInTransaction;

    public SqliteSink(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;");
        _transaction = _connection.BeginTransaction();
    }

    public override ITableWriter Open(IEntityType type)
    {
        var shape = new TableShape(type);
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = $"INSERT INTO \"{shape.Table}\" ({string.Join(", ", shape.Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", shape.Columns.Select((_, i) => $"$p{i}"))})";
        var parameters = new SqliteParameter[shape.Columns.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        }

        command.Prepare();
        _commands.Add(command);
        return new Writer(this, shape, command, parameters);
    }

    public override void Finish()
    {
        _transaction.Commit();
        _transaction.Dispose();
        _transaction = _connection.BeginTransaction();
        _transaction.Commit();
        Execute("PRAGMA synchronous=NORMAL; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    public override void Dispose()
    {
        foreach (var command in _commands)
        {
            command.Dispose();
        }

        _transaction.Dispose();
        _connection.Dispose();
    }

    /// <summary>What Microsoft.Data.Sqlite writes for a value, read back as text (to compare with what EF wrote).</summary>
    public static string Roundtrip(string connectionString, object value)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT $v";
        command.Parameters.AddWithValue("$v", value);
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void RowWritten()
    {
        if (++_rowsInTransaction < RowsPerTransaction)
        {
            return;
        }

        _transaction.Commit();
        _transaction.Dispose();
        _transaction = _connection.BeginTransaction();
        foreach (var command in _commands)
        {
            command.Transaction = _transaction;
        }

        _rowsInTransaction = 0;
    }

    private sealed class Writer(SqliteSink sink, TableShape shape, SqliteCommand command, SqliteParameter[] parameters) : ITableWriter
    {
        public void Add(object entity)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = shape.Value(entity, i) ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
            sink.RowWritten();
        }
    }
}

/// <summary>
/// One binary COPY per table, each on its own connection so that all tables stream at once. The
/// foreign keys are dropped for the load (rows arrive in no particular table order) and added back,
/// and validated, at the end; identity sequences are moved past the ids written.
/// </summary>
internal sealed class PostgresSink : BulkSink
{
    private readonly string _connectionString;
    private readonly NpgsqlConnection _control;
    private readonly List<(string Table, string Name, string Definition)> _foreignKeys = [];
    private readonly List<(NpgsqlConnection Connection, NpgsqlBinaryImporter Importer, TableShape Shape)> _copies = [];

    public PostgresSink(string connectionString)
    {
        _connectionString = connectionString;
        _control = new NpgsqlConnection(connectionString);
        _control.Open();
        using (var read = new NpgsqlCommand("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace", _control))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                _foreignKeys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (table, name, _) in _foreignKeys)
        {
            Execute($"ALTER TABLE {table} DROP CONSTRAINT \"{name}\"");
        }

        // The search triggers read a document's lines, which arrive through another connection's COPY
        // (not visible yet): off for the load, and the index is built in one pass at the end instead.
        foreach (var (table, trigger) in Features.Search.SearchIndexSql.PostgresTriggers())
        {
            Execute($"ALTER TABLE \"{table}\" DISABLE TRIGGER \"{trigger}\"");
        }

        // The invoice totals' trigger upserts one row per invoice: off for the load, rebuilt in one GROUP BY at the end.
        Execute($"ALTER TABLE \"Invoices\" DISABLE TRIGGER \"{Features.Invoices.InvoiceTotalsSql.PostgresTrigger}\"");
        // So are the statement's day totals' (one upsert per document), rebuilt the same way.
        foreach (var (table, trigger) in Features.Statements.StatementDayTotalsSql.PostgresTriggers())
        {
            Execute($"ALTER TABLE \"{table}\" DISABLE TRIGGER \"{trigger}\"");
        }
    }

    public override ITableWriter Open(IEntityType type)
    {
        var shape = new TableShape(type);
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        var importer = connection.BeginBinaryImport(
            $"COPY \"{shape.Table}\" ({string.Join(", ", shape.Columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)");
        _copies.Add((connection, importer, shape));
        var types = shape.ProviderTypes.Select(DbType).ToArray();
        return new Writer(importer, shape, types);
    }

    public override void Finish()
    {
        foreach (var (connection, importer, shape) in _copies)
        {
            importer.Complete();
            importer.Dispose();
            connection.Dispose();
            if (shape.Columns.Contains("Id") && shape.ProviderTypes[Array.IndexOf(shape.Columns, "Id")] == typeof(long))
            {
                Execute($"SELECT setval(pg_get_serial_sequence('\"{shape.Table}\"', 'Id'), GREATEST((SELECT max(\"Id\") FROM \"{shape.Table}\"), 1))");
            }
        }

        _copies.Clear();
        foreach (var (table, name, definition) in _foreignKeys)
        {
            Execute($"ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}");
        }

        using (var transaction = _control.BeginTransaction())
        {
            foreach (var (table, trigger) in Features.Search.SearchIndexSql.PostgresTriggers())
            {
                Execute($"ALTER TABLE \"{table}\" ENABLE TRIGGER \"{trigger}\"");
            }

            foreach (var statement in Features.Search.SearchIndexSql.Rebuild(postgres: true))
            {
                Execute(statement);
            }

            Execute($"ALTER TABLE \"Invoices\" ENABLE TRIGGER \"{Features.Invoices.InvoiceTotalsSql.PostgresTrigger}\"");
            foreach (var statement in Features.Invoices.InvoiceTotalsSql.Rebuild(postgres: true))
            {
                Execute(statement);
            }

            foreach (var (table, trigger) in Features.Statements.StatementDayTotalsSql.PostgresTriggers())
            {
                Execute($"ALTER TABLE \"{table}\" ENABLE TRIGGER \"{trigger}\"");
            }

            foreach (var statement in Features.Statements.StatementDayTotalsSql.Rebuild(postgres: true))
            {
                Execute(statement);
            }

            transaction.Commit();
        }

        Execute("ANALYZE");
    }

    public override void Dispose()
    {
        foreach (var (connection, importer, _) in _copies)
        {
            importer.Dispose();
            connection.Dispose();
        }

        _control.Dispose();
    }

    private static NpgsqlDbType DbType(Type type) =>
        type == typeof(long) ? NpgsqlDbType.Bigint
        : type == typeof(int) ? NpgsqlDbType.Integer
        : type == typeof(short) ? NpgsqlDbType.Smallint
        : type == typeof(bool) ? NpgsqlDbType.Boolean
        : type == typeof(string) ? NpgsqlDbType.Text
        : type == typeof(DateTime) ? NpgsqlDbType.TimestampTz
        : type == typeof(DateTimeOffset) ? NpgsqlDbType.TimestampTz
        : type == typeof(DateOnly) ? NpgsqlDbType.Date
        : type == typeof(byte[]) ? NpgsqlDbType.Bytea
        : type == typeof(Guid) ? NpgsqlDbType.Uuid
        : type == typeof(double) ? NpgsqlDbType.Double
        : throw new NotSupportedException($"No COPY type for {type}.");

    private void Execute(string sql)
    {
        using var command = new NpgsqlCommand(sql, _control) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    private sealed class Writer(NpgsqlBinaryImporter importer, TableShape shape, NpgsqlDbType[] types) : ITableWriter
    {
        public void Add(object entity)
        {
            importer.StartRow();
            for (var i = 0; i < types.Length; i++)
            {
                var value = shape.Value(entity, i);
                if (value is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(value, types[i]);
                }
            }
        }
    }
}
