using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.Stripe;
using Stripe;

namespace Portal.Features.Payments;

/// <summary>
/// <c>POST /payments/stripe/webhook</c>, mapped only when Stripe is the live gateway and a signing secret
/// is configured. An event is a hint, never the truth: its signature is checked with the signing secret,
/// then the payment intent it names is fetched again from Stripe and recorded through the one outcome
/// function, exactly as the reconciler would. A bad signature is a 400; Stripe retries a 503 later.
/// </summary>
public static class StripeWebhookEndpoint
{
    public const string Path = "/payments/stripe/webhook";

    /// <summary>Stripe's events are a few kilobytes; anything much larger is not one.</summary>
    private const int MaxBody = 512 * 1024;

    public static WebApplication MapStripeWebhook(this WebApplication app)
    {
        if (!StripeSetup.IsChosen(app.Configuration))
        {
            return app;
        }

        if (string.IsNullOrWhiteSpace(app.Configuration["Payments:Stripe:WebhookSecret"]))
        {
            app.Logger.LogWarning("Payments:Stripe:WebhookSecret is not set: no Stripe webhook endpoint; the reconciler alone settles unclear payments.");
            return app;
        }

        app.MapPost(Path, HandleAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, IOptions<StripeOptions> options, StripeGateway gateway, PortalDb db,
        PaymentOutcomes outcomes, ILogger<StripeGateway> logger, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The event is too large.");
        }

        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(ct);
        }

        Event stripeEvent;
        try
        {
            // The account's API version may differ from the library's: only the intent's id is read from the event.
            stripeEvent = EventUtility.ConstructEvent(json, request.Headers["Stripe-Signature"].ToString(), options.Value.WebhookSecret!,
                throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The event's signature is not valid.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["Stripe-Signature"] = ["The signature does not match the payload and the signing secret."] } });
        }

        if (!stripeEvent.Type.StartsWith("payment_intent.", StringComparison.Ordinal)
            || stripeEvent.Data.Object is not PaymentIntent hinted
            || hinted.Metadata is null
            || !hinted.Metadata.TryGetValue(StripeGateway.AttemptMetadata, out var key)
            || !Guid.TryParseExact(key, "N", out var attemptId)
            || !await db.PaymentAttempts.AnyAsync(a => a.Id == attemptId && a.Gateway == StripeGateway.GatewayName, ct))
        {
            // Not about one of our charges: acknowledged, so Stripe does not send it again.
            return Results.Ok();
        }

        try
        {
            var result = await gateway.ReadIntentAsync(hinted.Id, key, ct);
            if (result.Status != ChargeStatus.NotFound)
            {
                await outcomes.RecordAsync(attemptId, result, "webhook", CancellationToken.None);
            }
        }
        catch (Exception e) when (e is GatewayUnknownOutcomeException or GatewayRequestRefusedException)
        {
            // Stripe could not be asked now: Stripe sends the event again, and the reconciler asks too.
            logger.LogWarning(e, "Stripe webhook for attempt {Attempt}: the intent could not be fetched.", attemptId);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Ok();
    }
}
