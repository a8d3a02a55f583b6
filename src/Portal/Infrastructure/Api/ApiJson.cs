using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Api;

/// <summary>
/// Reads an API request's JSON body. Done by hand rather than by parameter binding, because the framework
/// answers a body it cannot read with a bare 400; here the caller gets ProblemDetails naming the field
/// (<c>lines[0].quantity</c>), the key sent twice, the allowed values of an enum, or the line and
/// position of the syntax error.
/// </summary>
public static class ApiJson
{
    /// <summary>
    /// The API's JSON in and out: enums as camelCase names (never numbers, an unknown name answered with
    /// the allowed ones), and a key sent twice refused rather than "the last one wins".
    /// </summary>
    public static IServiceCollection AddApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.AllowDuplicateProperties = false;
        });

    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.Invalid("body", "The body must be JSON, sent with Content-Type: application/json."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await request.ReadFromJsonAsync<T>(options, ct);
            return value is null ? (null, ApiProblems.Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.Invalid(FieldOf(ex.Path), MessageOf(ex, TypeAt(options, typeof(T), ex.Path))));
        }
    }

    /// <summary><c>$.lines[2].quantity</c> becomes <c>lines[2].quantity</c>; the root is <c>body</c>.</summary>
    public static string FieldOf(string? jsonPath) =>
        jsonPath is null or "$" or "" ? "body" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    private static string MessageOf(JsonException ex, Type? type)
    {
        if (ex.Message.Contains("uplicate", StringComparison.Ordinal))
        {
            return "This key appears more than once in its object; send it once.";
        }

        if ((Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) is { IsEnum: true } enumType)
        {
            return ApiEnums.Allowed(enumType);
        }

        return ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "The value has the wrong type or format for this field (see the OpenAPI document)."
            : string.Create(CultureInfo.InvariantCulture, $"The body is not well-formed JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}).");
    }

    /// <summary>
    /// The declared type at a JSON path of <paramref name="root"/> (<c>$.lines[0].unit</c>), through the
    /// serializer's own contract, so that a refused value can be explained (an enum lists its names).
    /// </summary>
    private static Type? TypeAt(JsonSerializerOptions options, Type root, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var type = root;
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                var name = path[(i + 1)..(end < 0 ? path.Length : end)];
                var property = options.GetTypeInfo(type).Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (property is null)
                {
                    return null;
                }

                type = property.PropertyType;
                i = end < 0 ? path.Length : end;
            }
            else if (path[i] == '[')
            {
                var info = options.GetTypeInfo(type);
                if (info.ElementType is null)
                {
                    return null;
                }

                type = info.ElementType;
                var end = path.IndexOf(']', i);
                i = end < 0 ? path.Length : end + 1;
            }
            else
            {
                return null;
            }
        }

        return type;
    }
}
