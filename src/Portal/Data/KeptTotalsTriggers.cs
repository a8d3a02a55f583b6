namespace Portal.Data;

/// <summary>
/// The row triggers that keep a table of totals in step with a table of documents, written for each provider: on an
/// insert the new row's contribution is added, on a delete the old row's taken off, on an update of a watched column
/// both, each by one statement the caller writes (usually an upsert). The invoice totals and the statement's day
/// totals are kept this way; what a row contributes, and where, is theirs.
/// </summary>
/// <remarks>
/// Names (the caller's, one per provider): on PostgreSQL a trigger <c>{name}</c> calling the function
/// <c>{name}_changed</c>; on SQLite three triggers <c>{name}_AI</c>, <c>{name}_AD</c>, <c>{name}_AU</c>. The text is what migrations ran: changing it changes no database
/// already migrated, so a change to a trigger is a new version and a new migration, never an edit here.
/// </remarks>
internal static class KeptTotalsTriggers
{
    /// <summary>The statements that create the triggers on <paramref name="table"/>; <paramref name="apply"/> gives the statement for a row ("OLD"/"NEW" or "old"/"new") and a sign (-1 to take off, 1 to add).</summary>
    public static IEnumerable<string> Create(bool postgres, string table, string name, IEnumerable<string> watched, Func<string, int, string> apply)
    {
        var columns = string.Join(", ", watched.Select(c => $"\"{c}\""));
        if (postgres)
        {
            return
            [
                $"""
                CREATE FUNCTION "{name}_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN
                        {apply("OLD", -1)};
                    END IF;
                    IF TG_OP IN ('UPDATE', 'INSERT') THEN
                        {apply("NEW", 1)};
                    END IF;
                    RETURN NULL;
                END $$
                """,
                $"""
                CREATE TRIGGER "{name}" AFTER INSERT OR DELETE OR UPDATE OF {columns} ON "{table}"
                FOR EACH ROW EXECUTE FUNCTION "{name}_changed"()
                """,
            ];
        }

        return
        [
            $"CREATE TRIGGER \"{name}_AI\" AFTER INSERT ON \"{table}\" BEGIN {apply("new", 1)}; END",
            $"CREATE TRIGGER \"{name}_AD\" AFTER DELETE ON \"{table}\" BEGIN {apply("old", -1)}; END",
            $"CREATE TRIGGER \"{name}_AU\" AFTER UPDATE OF {columns} ON \"{table}\" BEGIN {apply("old", -1)}; {apply("new", 1)}; END",
        ];
    }

    /// <summary>Undoes <see cref="Create"/>.</summary>
    public static IEnumerable<string> Drop(bool postgres, string table, string name) => postgres
        ? [$"DROP TRIGGER IF EXISTS \"{name}\" ON \"{table}\"", $"DROP FUNCTION IF EXISTS \"{name}_changed\"()"]
        : new[] { "AI", "AD", "AU" }.Select(t => $"DROP TRIGGER IF EXISTS \"{name}_{t}\"");
}
