using Microsoft.AspNetCore.Http.Features;

namespace Portal.Features.Integration;

/// <summary>
/// The integration API's transport, before any endpoint reads a byte: a body larger than
/// <c>IntegrationApi:MaxRequestBodyBytes</c> (default 8 MiB, far above the largest batch the limits
/// allow) is a 413 problem, declared or streamed; a JSON media type in any spelling is read as JSON,
/// and JSON in any charset but UTF-8 (RFC 8259) is a 415 problem.
/// </summary>
public static class ApiTransport
{
    public const long DefaultMaxRequestBodyBytes = 8 * 1024 * 1024;

    public static IApplicationBuilder UseApiTransport(this IApplicationBuilder api, long maxBodyBytes) =>
        api.Use((http, next) =>
        {
            if (http.Request.ContentLength > maxBodyBytes)
            {
                return TooLarge(http, maxBodyBytes);
            }

            if (http.Request.ContentType is { } contentType && !NormaliseJsonContentType(http.Request, contentType))
            {
                return Results.Problem(
                    title: "Unsupported media type",
                    detail: "Send the body as application/json in UTF-8.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(http);
            }

            // A chunked body has no length up front: it is counted as it is read, and the read past the
            // limit fails with a 413 BadHttpRequestException, which the endpoint's binding answers as 413
            // (a problem, by the status code pages). Kestrel's own limit says the same where it applies.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBodyBytes;
            }

            if (http.Request.ContentLength is null)
            {
                http.Request.Body = new CountingStream(http.Request.Body, maxBodyBytes);
            }

            return next(http);
        });

    /// <summary>
    /// Rewrites a JSON media type to plain <c>application/json</c> (the framework's reader throws on an
    /// unknown or quoted charset); false for JSON in another charset. Other media types are left for the
    /// endpoint to refuse (415).
    /// </summary>
    private static bool NormaliseJsonContentType(HttpRequest request, string contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            request.ContentType = "application/octet-stream";
            return true;
        }

        var type = media.MediaType.Value ?? "";
        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isJson)
        {
            return true;
        }

        var charset = media.Charset.Value?.Trim('"');
        if (media.Charset.HasValue && !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase) && !string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        request.ContentType = "application/json";
        return true;
    }

    private static Task TooLarge(HttpContext http, long maxBodyBytes) =>
        Results.Problem(
            title: "Request body too large",
            detail: $"The body may be at most {maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(http);
}

/// <summary>Reads through to the request body and fails a read that goes past the limit.</summary>
internal sealed class CountingStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
