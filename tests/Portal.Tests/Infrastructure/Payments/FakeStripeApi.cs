using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Portal.Tests.Infrastructure.Payments;

/// <summary>
/// Stripe's API for the few endpoints the adapter uses, in process, under Stripe.net's own HTTP client
/// (no Stripe-compatible server for PaymentIntents installs here). It answers as Stripe does: the
/// secret key checked; customers, Checkout sessions in setup mode with their SetupIntent, payment
/// methods, PaymentIntents confirmed at creation (Stripe's test cards: decline codes, 3-D Secure's
/// redirect, off-session authentication errors), list by customer and search by metadata, detach; and
/// the idempotency rules: the same key with the same parameters replays the first response, with other
/// parameters a 400 idempotency_error, while the first request is still running a 409.
/// </summary>
public sealed class FakeStripeApi(string secretKey) : HttpMessageHandler
{
    public const string Base = "https://stripe.test";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _customers = [];
    private readonly Dictionary<string, JsonObject> _sessions = [];
    private readonly Dictionary<string, JsonObject> _setupIntents = [];
    private readonly Dictionary<string, JsonObject> _methods = [];
    private readonly Dictionary<string, string> _methodNumbers = [];
    private readonly Dictionary<string, JsonObject> _intents = [];
    private readonly Dictionary<string, Idempotent> _keys = [];
    private readonly List<Recorded> _requests = [];
    private int _sequence;

    /// <summary>Awaited inside a PaymentIntent creation with this idempotency key, before it executes: holds the request in flight.</summary>
    public Func<string, Task>? HoldCharge { get; set; }

    /// <summary>Idempotency keys whose creation executes (the charge happens) but whose answer never arrives.</summary>
    public HashSet<string> TimeOutAfterCharging { get; } = [];

    /// <summary>Every request Stripe received, in order.</summary>
    public IReadOnlyList<Recorded> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>PaymentIntents that executed (a replayed or refused request makes none).</summary>
    public IReadOnlyList<JsonObject> Intents
    {
        get
        {
            lock (_gate)
            {
                return _intents.Values.Select(i => (JsonObject)i.DeepClone()).ToList();
            }
        }
    }

    /// <summary>What the customer does on Checkout's hosted page: enters a card, the SetupIntent succeeds and the session completes.</summary>
    public string CompleteSetup(string sessionId, string number, int expMonth, int expYear, string holder)
    {
        lock (_gate)
        {
            var session = _sessions[sessionId];
            var setupIntent = _setupIntents[(string)session["setup_intent"]!];
            var id = Id("pm");
            _methods[id] = new JsonObject
            {
                ["id"] = id,
                ["object"] = "payment_method",
                ["type"] = "card",
                ["customer"] = (string?)session["customer"],
                ["card"] = new JsonObject { ["brand"] = "visa", ["last4"] = number[^4..], ["exp_month"] = expMonth, ["exp_year"] = expYear, ["funding"] = "credit" },
                ["billing_details"] = new JsonObject { ["name"] = holder },
                ["created"] = Now(),
                ["livemode"] = false,
            };
            _methodNumbers[id] = number;
            setupIntent["status"] = "succeeded";
            setupIntent["payment_method"] = id;
            session["status"] = "complete";
            return id;
        }
    }

    /// <summary>The cardholder finishes (or fails) 3-D Secure on the issuer's page.</summary>
    public void CompleteAction(string intentId, bool confirmed)
    {
        lock (_gate)
        {
            var intent = _intents[intentId];
            intent["next_action"] = null;
            intent["status"] = confirmed ? "succeeded" : "requires_payment_method";
            intent["last_payment_error"] = confirmed ? null : Error("card_error", "payment_intent_authentication_failure", null,
                "The provided PaymentMethod has failed authentication.");
        }
    }

    public JsonObject Intent(string id)
    {
        lock (_gate)
        {
            return (JsonObject)_intents[id].DeepClone();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var form = QueryHelpers.ParseQuery(request.Method == HttpMethod.Get ? request.RequestUri.Query : body);
        var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
        lock (_gate)
        {
            _requests.Add(new Recorded(request.Method.Method, path, key, form.ToDictionary(p => p.Key, p => p.Value.ToString())));
        }

        if (request.Headers.Authorization is not { Scheme: "Bearer" } auth || auth.Parameter != secretKey)
        {
            return Respond(HttpStatusCode.Unauthorized, new JsonObject { ["error"] = Error("invalid_request_error", null, null, "Invalid API Key provided.") });
        }

        if (request.Method != HttpMethod.Post || key is null)
        {
            return Execute(request.Method, path, form, key);
        }

        // Stripe keys a request by its key and compares the parameters it was first sent with.
        var fingerprint = path + "?" + string.Join("&", form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        lock (_gate)
        {
            if (_keys.TryGetValue(key, out var first))
            {
                if (first.Fingerprint != fingerprint)
                {
                    return Respond(HttpStatusCode.BadRequest, new JsonObject
                    {
                        ["error"] = Error("idempotency_error", null, null,
                            $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."),
                    });
                }

                if (first.Response is null)
                {
                    return Respond(HttpStatusCode.Conflict, new JsonObject
                    {
                        ["error"] = Error("invalid_request_error", "idempotency_key_in_use", null,
                            "There is currently another in-progress request using this Stripe token (or idempotency key). Please try again later."),
                    });
                }

                var replay = Respond(first.Response.Value.Status, JsonNode.Parse(first.Response.Value.Body)!.AsObject());
                replay.Headers.Add("Idempotent-Replayed", "true");
                return replay;
            }

            _keys[key] = new Idempotent(fingerprint);
        }

        if (path == "/v1/payment_intents" && HoldCharge is { } hold)
        {
            try
            {
                await hold(key);
            }
            catch
            {
                // The request never arrived: nothing is kept for the key.
                lock (_gate)
                {
                    _keys.Remove(key);
                }

                throw;
            }
        }

        var response = Execute(request.Method, path, form, key);
        var saved = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (_gate)
        {
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
            {
                // Refused before it executed: Stripe keeps no result for the key.
                _keys.Remove(key);
                return response;
            }

            _keys[key].Response = (response.StatusCode, saved);
            if (TimeOutAfterCharging.Contains(key))
            {
                // The charge happened and its result is kept; the answer is lost on the way back.
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException());
            }
        }

        return response;
    }

    private HttpResponseMessage Execute(HttpMethod method, string path, Dictionary<string, StringValues> form, string? key)
    {
        lock (_gate)
        {
            var segments = path.Trim('/').Split('/');
            return (method.Method, segments) switch
            {
                ("POST", ["v1", "customers"]) => CreateCustomer(form),
                ("POST", ["v1", "checkout", "sessions"]) => CreateSession(form),
                ("GET", ["v1", "checkout", "sessions", var id]) => GetSession(id, form),
                ("POST", ["v1", "payment_intents"]) => CreateIntent(form),
                ("GET", ["v1", "payment_intents", "search"]) => SearchIntents(form),
                ("GET", ["v1", "payment_intents", var id]) => _intents.TryGetValue(id, out var intent) ? Respond(HttpStatusCode.OK, intent) : Missing("payment_intent", id),
                ("GET", ["v1", "payment_intents"]) => ListIntents(form),
                ("POST", ["v1", "payment_methods", var id, "detach"]) => Detach(id),
                _ => Respond(HttpStatusCode.NotFound, new JsonObject { ["error"] = Error("invalid_request_error", null, null, $"Unrecognized request URL ({method} {path}).") }),
            };
        }
    }

    private HttpResponseMessage CreateCustomer(Dictionary<string, StringValues> form)
    {
        var id = Id("cus");
        _customers[id] = new JsonObject { ["id"] = id, ["object"] = "customer", ["name"] = form.GetValueOrDefault("name").ToString(), ["metadata"] = Metadata(form), ["created"] = Now(), ["livemode"] = false };
        return Respond(HttpStatusCode.OK, _customers[id]);
    }

    private HttpResponseMessage CreateSession(Dictionary<string, StringValues> form)
    {
        var customer = form.GetValueOrDefault("customer").ToString();
        if (form.GetValueOrDefault("mode") != "setup" || !_customers.ContainsKey(customer) || string.IsNullOrEmpty(form.GetValueOrDefault("success_url")))
        {
            return Respond(HttpStatusCode.BadRequest, new JsonObject { ["error"] = Error("invalid_request_error", "parameter_invalid", null, "A setup session needs mode, customer and success_url.") });
        }

        var setupId = Id("seti");
        _setupIntents[setupId] = new JsonObject
        {
            ["id"] = setupId,
            ["object"] = "setup_intent",
            ["status"] = "requires_payment_method",
            ["customer"] = customer,
            ["usage"] = "off_session",
            ["payment_method"] = null,
            ["metadata"] = Metadata(form, "setup_intent_data[metadata]"),
            ["created"] = Now(),
            ["livemode"] = false,
        };
        var id = "cs_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _sessions[id] = new JsonObject
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = "setup",
            ["status"] = "open",
            ["customer"] = customer,
            ["setup_intent"] = setupId,
            ["url"] = "https://checkout.stripe.com/c/pay/" + id,
            ["success_url"] = form.GetValueOrDefault("success_url").ToString(),
            ["cancel_url"] = form.GetValueOrDefault("cancel_url").ToString(),
            ["metadata"] = Metadata(form),
            ["created"] = Now(),
            ["livemode"] = false,
        };
        return Respond(HttpStatusCode.OK, _sessions[id]);
    }

    private HttpResponseMessage GetSession(string id, Dictionary<string, StringValues> form)
    {
        if (!_sessions.TryGetValue(id, out var stored))
        {
            return Missing("checkout.session", id);
        }

        var session = (JsonObject)stored.DeepClone();
        var expand = form.Where(p => p.Key.StartsWith("expand[", StringComparison.Ordinal)).Select(p => p.Value.ToString()).ToHashSet();
        if (expand.Contains("setup_intent"))
        {
            var setupIntent = (JsonObject)_setupIntents[(string)session["setup_intent"]!].DeepClone();
            if (expand.Contains("setup_intent.payment_method") && (string?)setupIntent["payment_method"] is { } pm)
            {
                setupIntent["payment_method"] = _methods[pm].DeepClone();
            }

            session["setup_intent"] = setupIntent;
        }

        return Respond(HttpStatusCode.OK, session);
    }

    private HttpResponseMessage CreateIntent(Dictionary<string, StringValues> form)
    {
        var customer = form.GetValueOrDefault("customer").ToString();
        var methodId = form.GetValueOrDefault("payment_method").ToString();
        if (!long.TryParse(form.GetValueOrDefault("amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return Respond(HttpStatusCode.BadRequest, new JsonObject { ["error"] = Error("invalid_request_error", "parameter_invalid_integer", null, "Invalid integer: amount.") });
        }

        if (!_methods.TryGetValue(methodId, out var method) || (string?)method["customer"] != customer)
        {
            return Missing("payment_method", methodId);
        }

        var offSession = form.GetValueOrDefault("off_session") == "true";
        var id = Id("pi");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["currency"] = form.GetValueOrDefault("currency").ToString(),
            ["customer"] = customer,
            ["payment_method"] = methodId,
            ["status"] = "succeeded",
            ["metadata"] = Metadata(form),
            ["created"] = Now(),
            ["livemode"] = false,
            ["next_action"] = null,
            ["last_payment_error"] = null,
            ["capture_method"] = "automatic",
            ["confirmation_method"] = "automatic",
        };
        _intents[id] = intent;
        (string Code, string? Decline, string Message)? declined = _methodNumbers[methodId] switch
        {
            "4000000000000002" or "4000000000000341" => ("card_declined", "generic_decline", "Your card was declined."),
            "4000000000009995" => ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
            "4000000000000069" => ("expired_card", null, "Your card has expired."),
            "4000002760003184" when offSession => ("authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication."),
            _ => null,
        };
        if (declined is { } d)
        {
            intent["status"] = "requires_payment_method";
            intent["last_payment_error"] = Error("card_error", d.Code, d.Decline, d.Message);
            var error = Error("card_error", d.Code, d.Decline, d.Message);
            error["payment_intent"] = intent.DeepClone();
            return Respond(HttpStatusCode.PaymentRequired, new JsonObject { ["error"] = error });
        }

        if (_methodNumbers[methodId] is "4000002500003155" or "4000002760003184" && !offSession)
        {
            var returnUrl = form.GetValueOrDefault("return_url").ToString();
            intent["status"] = "requires_action";
            intent["next_action"] = new JsonObject
            {
                ["type"] = "redirect_to_url",
                ["redirect_to_url"] = new JsonObject { ["url"] = "https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=" + id, ["return_url"] = returnUrl },
            };
        }

        return Respond(HttpStatusCode.OK, intent);
    }

    private HttpResponseMessage ListIntents(Dictionary<string, StringValues> form)
    {
        var customer = form.GetValueOrDefault("customer").ToString();
        var since = long.TryParse(form.GetValueOrDefault("created[gte]"), CultureInfo.InvariantCulture, out var gte) ? gte : 0;
        var data = _intents.Values.Where(i => (string?)i["customer"] == customer && (long)i["created"]! >= since)
            .OrderByDescending(i => (long)i["created"]!).Select(i => i.DeepClone()).ToArray();
        return Respond(HttpStatusCode.OK, new JsonObject { ["object"] = "list", ["url"] = "/v1/payment_intents", ["has_more"] = false, ["data"] = new JsonArray(data) });
    }

    private HttpResponseMessage SearchIntents(Dictionary<string, StringValues> form)
    {
        // Only the query the adapter sends: metadata['portal_attempt']:'<key>'.
        var query = form.GetValueOrDefault("query").ToString();
        const string Prefix = "metadata['portal_attempt']:'";
        var value = query.StartsWith(Prefix, StringComparison.Ordinal) && query.EndsWith('\'') ? query[Prefix.Length..^1] : null;
        var data = _intents.Values.Where(i => value is not null && (string?)i["metadata"]?["portal_attempt"] == value).Select(i => i.DeepClone()).ToArray();
        return Respond(HttpStatusCode.OK, new JsonObject { ["object"] = "search_result", ["url"] = "/v1/payment_intents/search", ["has_more"] = false, ["data"] = new JsonArray(data) });
    }

    private HttpResponseMessage Detach(string id)
    {
        if (!_methods.TryGetValue(id, out var method))
        {
            return Missing("payment_method", id);
        }

        if (method["customer"] is null)
        {
            return Respond(HttpStatusCode.BadRequest, new JsonObject { ["error"] = Error("invalid_request_error", "payment_method_unexpected_state", null, "The payment method you provided is not attached to a customer so detachment is impossible.") });
        }

        method["customer"] = null;
        return Respond(HttpStatusCode.OK, method);
    }

    private static JsonObject Metadata(Dictionary<string, StringValues> form, string prefix = "metadata")
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in form.Where(p => p.Key.StartsWith(prefix + "[", StringComparison.Ordinal)))
        {
            metadata[name[(prefix.Length + 1)..^1]] = value.ToString();
        }

        return metadata;
    }

    private static JsonObject Error(string type, string? code, string? declineCode, string message) =>
        new() { ["type"] = type, ["code"] = code, ["decline_code"] = declineCode, ["message"] = message };

    private static HttpResponseMessage Missing(string kind, string id) => Respond(HttpStatusCode.NotFound, new JsonObject
    {
        ["error"] = Error("invalid_request_error", "resource_missing", null, $"No such {kind}: '{id}'"),
    });

    private static HttpResponseMessage Respond(HttpStatusCode status, JsonObject body)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        response.Headers.Add("Request-Id", "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        return response;
    }

    private string Id(string prefix) => $"{prefix}_{Interlocked.Increment(ref _sequence):D6}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public sealed record Recorded(string Method, string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form);

    private sealed class Idempotent(string fingerprint)
    {
        public string Fingerprint { get; } = fingerprint;

        /// <summary>Null while the first request is still running.</summary>
        public (HttpStatusCode Status, string Body)? Response { get; set; }
    }
}
