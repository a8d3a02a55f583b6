#!/usr/bin/env bash
# Adds a migration named NAME to both migration sets, SQLite's and PostgreSQL's, from the current
# model (docs/migrations.md). No database is needed.
#
#   tools/add-migration.sh AddWidgets
set -euo pipefail
name="${1:?usage: tools/add-migration.sh NAME (PascalCase, says what changes: AddWidgets)}"
cd "$(dirname "$0")/.."

dotnet tool restore >/dev/null
dotnet build src/Portal/Portal.csproj -v quiet -nologo
for provider in Sqlite Postgres; do
    dotnet ef migrations add "$name" --no-build --project src/Portal \
        --output-dir "Data/Migrations/$provider" --namespace "Portal.Data.Migrations.$provider" \
        -- --provider "$provider"
done
# The new classes compile, and the schema drift and pending-changes tests check them on both databases.
dotnet build src/Portal/Portal.csproj -v quiet -nologo
