using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StaffRolesAndUserAdministration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "RequireTwoFactorForStaff",
                table: "OperatorSettings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisabledAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MustSetUpTwoFactor",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "StaffRole",
                table: "AspNetUsers",
                type: "integer",
                nullable: true);

            // Staff from before roles could do everything: they stay administrators.
            migrationBuilder.Sql("UPDATE \"AspNetUsers\" SET \"StaffRole\" = 2 WHERE \"IsStaff\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RequireTwoFactorForStaff",
                table: "OperatorSettings");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "MustSetUpTwoFactor",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "StaffRole",
                table: "AspNetUsers");
        }
    }
}
