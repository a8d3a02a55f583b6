// Drafts the body of a hand-written migration from the current model, because the EF Core Design
// package (and so `dotnet ef migrations add`) is not available here. It prints CreateTable and
// CreateIndex calls for the tables named on the command line (or all tables), with column types left
// to the provider so that one migration serves SQLite and PostgreSQL. The output is a draft: paste it
// into a migration class, read it, and let the schema drift test judge the result.
//
//   dotnet run --project tools/MigrationDraft -- [Table1,Table2,...]
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Portal.Data;

var only = args.Length > 0 ? new HashSet<string>(args[0].Split(','), StringComparer.Ordinal) : null;
var options = PortalDbOptions.Create(DatabaseProvider.Sqlite, "Data Source=:memory:");
using var db = new PortalDb(options);
var model = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
var operations = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, model);
var c = CultureInfo.InvariantCulture;
var sb = new StringBuilder();

foreach (var op in operations)
{
    switch (op)
    {
        case CreateTableOperation t when only is null || only.Contains(t.Name):
            sb.AppendLine(c, $"migrationBuilder.CreateTable(");
            sb.AppendLine(c, $"    name: \"{t.Name}\",");
            sb.AppendLine("    columns: table => new");
            sb.AppendLine("    {");
            foreach (var col in t.Columns)
            {
                var type = TypeName(col.ClrType);
                var args2 = new List<string> { $"nullable: {(col.IsNullable ? "true" : "false")}" };
                if (col.MaxLength is int max) args2.Add($"maxLength: {max}");
                var line = $"        {col.Name} = table.Column<{type}{(col.IsNullable && col.ClrType.IsValueType ? "?" : "")}>({string.Join(", ", args2)})";
                if (col[SqliteAutoincrement] is true)
                {
                    line += "\n            .Annotation(\"Sqlite:Autoincrement\", true)\n            .Annotation(\"Npgsql:ValueGenerationStrategy\", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)";
                }
                sb.AppendLine(line + ",");
            }
            sb.AppendLine("    },");
            sb.AppendLine("    constraints: table =>");
            sb.AppendLine("    {");
            if (t.PrimaryKey is { } pk)
                sb.AppendLine(c, $"        table.PrimaryKey(\"{pk.Name}\", {Cols("x", pk.Columns)});");
            foreach (var fk in t.ForeignKeys)
            {
                sb.AppendLine(c, $"        table.ForeignKey(");
                sb.AppendLine(c, $"            name: \"{fk.Name}\",");
                sb.AppendLine(c, $"            column: {Cols("x", fk.Columns)},");
                sb.AppendLine(c, $"            principalTable: \"{fk.PrincipalTable}\",");
                sb.AppendLine(c, $"            principalColumn: {(fk.PrincipalColumns!.Length == 1 ? $"\"{fk.PrincipalColumns[0]}\"" : "TODO")},");
                sb.AppendLine(c, $"            onDelete: ReferentialAction.{fk.OnDelete});");
            }
            foreach (var ck in t.CheckConstraints)
                sb.AppendLine(c, $"        table.CheckConstraint(\"{ck.Name}\", \"{ck.Sql.Replace("\"", "\\\"", StringComparison.Ordinal)}\");");
            foreach (var uq in t.UniqueConstraints)
                sb.AppendLine(c, $"        table.UniqueConstraint(\"{uq.Name}\", {Cols("x", uq.Columns)});");
            sb.AppendLine("    });");
            sb.AppendLine();
            break;
        case CreateIndexOperation i when only is null || only.Contains(i.Table):
            sb.AppendLine("migrationBuilder.CreateIndex(");
            sb.AppendLine(c, $"    name: \"{i.Name}\",");
            sb.AppendLine(c, $"    table: \"{i.Table}\",");
            sb.Append(c, $"    {(i.Columns.Length == 1 ? $"column: \"{i.Columns[0]}\"" : $"columns: new[] {{ {string.Join(", ", i.Columns.Select(x => $"\"{x}\""))} }}")}");
            if (i.IsUnique) sb.Append(",\n    unique: true");
            if (i.Filter is not null) sb.Append(c, $",\n    filter: \"{i.Filter.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
            sb.AppendLine(");");
            sb.AppendLine();
            break;
    }
}

Console.Write(sb.ToString());

static string Cols(string v, string[] columns) =>
    columns.Length == 1 ? $"{v} => {v}.{columns[0]}" : $"{v} => new {{ {string.Join(", ", columns.Select(col => $"{v}.{col}"))} }}";

static string TypeName(Type t) => t switch
{
    _ when t == typeof(string) => "string",
    _ when t == typeof(long) => "long",
    _ when t == typeof(int) => "int",
    _ when t == typeof(bool) => "bool",
    _ when t == typeof(byte[]) => "byte[]",
    _ when t == typeof(DateTime) => "DateTime",
    _ when t == typeof(DateTimeOffset) => "DateTimeOffset",
    _ when t == typeof(DateOnly) => "DateOnly",
    _ when t == typeof(decimal) => "decimal",
    _ when t == typeof(Guid) => "Guid",
    _ when t == typeof(short) => "short",
    _ => t.Name,
};

internal static partial class Program
{
    private const string SqliteAutoincrement = "Sqlite:Autoincrement";
}
