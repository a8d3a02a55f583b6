#!/usr/bin/env python3
"""Wraps tools/MigrationDraft output (stdin) in a migration class: wrap.py ClassName MigrationId "summary" > file.cs"""
import re, sys
name, mid, summary = sys.argv[1], sys.argv[2], sys.argv[3]
draft = sys.stdin.read()
draft = draft.replace('Data = table.Column<string>(nullable: false),', '// Identity keeps the passkey as a JSON document: jsonb on PostgreSQL, text on SQLite.\n        Data = table.Column<string>(type: migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL" ? "jsonb" : null, nullable: false),')
body = "\n".join(("        " + l if l.strip() else "") for l in draft.rstrip().split("\n"))
tables = re.findall(r'migrationBuilder.CreateTable\(\n\s+name: "(\w+)"', draft)
down = "\n".join(f'        migrationBuilder.DropTable(name: "{t}");' for t in reversed(tables))
print(f'''using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Portal.Data.Migrations;

/// <summary>
/// {summary}
/// </summary>
[DbContext(typeof(PortalDb))]
[Migration("{mid}")]
public sealed class {name} : Migration
{{
    protected override void Up(MigrationBuilder migrationBuilder)
    {{
{body}
    }}

    protected override void Down(MigrationBuilder migrationBuilder)
    {{
{down}
    }}
}}''')
