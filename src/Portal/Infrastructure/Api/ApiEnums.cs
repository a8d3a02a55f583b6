using System.Text.Json;

namespace Portal.Infrastructure.Api;

/// <summary>Enums as the API spells them: camelCase names, any case accepted, never numbers.</summary>
public static class ApiEnums
{
    /// <summary>"One of: credit, cashOnly." for the enum type.</summary>
    public static string Allowed(Type enumType) =>
        "One of: " + string.Join(", ", Enum.GetNames(enumType).Select(CamelCase)) + ".";

    public static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>The value's camelCase name, as the API's JSON writes it.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => CamelCase(value.ToString());

    /// <summary>By name, any case; never a number, so that a client cannot send a value the API never documented.</summary>
    public static bool TryParse<TEnum>(string? value, out TEnum parsed)
        where TEnum : struct, Enum
    {
        parsed = default;
        return value is not null
            && !value.Any(c => c is ',' || char.IsAsciiDigit(c))
            && Enum.TryParse(value.Trim(), ignoreCase: true, out parsed)
            && Enum.IsDefined(parsed);
    }
}
