namespace Portal.Infrastructure.Email;

/// <summary>
/// Absolute links for e-mails. The origin comes from <c>Portal:PublicUrl</c>, never from the request's
/// Host header (which a client chooses: a reset link must not point to an attacker's host). Without the
/// setting (development, tests) the current request's origin is used.
/// </summary>
public sealed class PublicLinks(IConfiguration configuration, IHttpContextAccessor http)
{
    public string To(string pathAndQuery)
    {
        var origin = configuration["Portal:PublicUrl"];
        if (string.IsNullOrWhiteSpace(origin))
        {
            var request = http.HttpContext?.Request;
            origin = request is null ? "http://localhost" : $"{request.Scheme}://{request.Host}";
        }

        return origin.TrimEnd('/') + pathAndQuery;
    }
}
