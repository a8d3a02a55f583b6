using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Resources;

namespace Portal.Infrastructure;

/// <summary>
/// Form errors in the reader's language: data-annotation messages, model-binding messages and Identity's
/// own errors all come from the SharedResource string table, like every other string a customer sees.
/// </summary>
public static class ValidationText
{
    public static IMvcBuilder AddLocalizedValidation(this IMvcBuilder mvc)
    {
        mvc.Services.AddSingleton<IConfigureOptions<MvcOptions>, LocalizedBindingMessages>();
        mvc.Services.Replace(ServiceDescriptor.Scoped<IdentityErrorDescriber, LocalizedIdentityErrors>());
        return mvc
            .AddMvcOptions(o => o.ModelMetadataDetailsProviders.Add(new DefaultValidationMessages()))
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
    }

    /// <summary>
    /// The framework's default messages ("The Password field is required.") are English text outside any
    /// resource, and name the C# property. An attribute without its own ErrorMessage gets one of these
    /// keys instead; the message sits next to its field, so it need not repeat the field's name.
    /// </summary>
    private sealed class DefaultValidationMessages : IValidationMetadataProvider
    {
        public void CreateValidationMetadata(ValidationMetadataProviderContext context)
        {
            foreach (var attribute in context.Attributes.OfType<ValidationAttribute>())
            {
                if (!string.IsNullOrEmpty(attribute.ErrorMessage) || attribute.ErrorMessageResourceType is not null)
                {
                    continue;
                }

                // Placeholders as the MVC adapters pass them: {0} the field, then the attribute's limits.
                switch (attribute)
                {
                    case RequiredAttribute:
                        attribute.ErrorMessage = "This field is required.";
                        break;
                    case StringLengthAttribute { MinimumLength: > 0 }:
                        attribute.ErrorMessage = "Enter from {2} to {1} characters.";
                        break;
                    case StringLengthAttribute:
                        attribute.ErrorMessage = "Enter at most {1} characters.";
                        break;
                    case MaxLengthAttribute:
                        attribute.ErrorMessage = "Enter at most {1} characters.";
                        break;
                    case MinLengthAttribute:
                        attribute.ErrorMessage = "Enter at least {1} characters.";
                        break;
                    case RangeAttribute:
                        attribute.ErrorMessage = "Enter a value from {1} to {2}.";
                        break;
                    case EmailAddressAttribute:
                        attribute.ErrorMessage = "Enter an e-mail address such as name@example.com.";
                        break;
                    case PhoneAttribute:
                        attribute.ErrorMessage = "Enter a phone number.";
                        break;
                    case UrlAttribute:
                        attribute.ErrorMessage = "Enter a full web address starting with https://.";
                        break;
                    case CompareAttribute:
                        attribute.ErrorMessage = "The two values do not match.";
                        break;
                    case RegularExpressionAttribute:
                        attribute.ErrorMessage = "This value is not in the expected format.";
                        break;
                    default:
                        // A custom attribute words its own message.
                        break;
                }
            }
        }
    }

    private sealed class LocalizedBindingMessages(IStringLocalizerFactory factory) : IConfigureOptions<MvcOptions>
    {
        public void Configure(MvcOptions options)
        {
            // Resolved per message, so each reads the culture of the request that is being bound.
            var l = factory.Create(typeof(SharedResource));
            var m = options.ModelBindingMessageProvider;
            m.SetAttemptedValueIsInvalidAccessor((value, _) => l["'{0}' is not a valid value.", value]);
            m.SetMissingBindRequiredValueAccessor(_ => l["This field is required."]);
            m.SetMissingKeyOrValueAccessor(() => l["This field is required."]);
            m.SetMissingRequestBodyRequiredValueAccessor(() => l["The request was empty."]);
            m.SetNonPropertyAttemptedValueIsInvalidAccessor(value => l["'{0}' is not a valid value.", value]);
            m.SetNonPropertyUnknownValueIsInvalidAccessor(() => l["This value is not valid."]);
            m.SetNonPropertyValueMustBeANumberAccessor(() => l["Enter a number."]);
            m.SetUnknownValueIsInvalidAccessor(_ => l["This value is not valid."]);
            m.SetValueIsInvalidAccessor(value => l["'{0}' is not a valid value.", value]);
            m.SetValueMustBeANumberAccessor(_ => l["Enter a number."]);
            m.SetValueMustNotBeNullAccessor(_ => l["This field is required."]);
        }
    }

    /// <summary>Identity's errors (weak password, taken e-mail, expired link) in the reader's language.</summary>
    private sealed class LocalizedIdentityErrors(IStringLocalizer<SharedResource> l) : IdentityErrorDescriber
    {
        public override IdentityError DefaultError() => Error(nameof(DefaultError), l["We could not complete that. Nothing was changed. Please try again in a moment."]);

        public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), l["We could not complete that. Nothing was changed. Please try again in a moment."]);

        public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), l["That is not your current password."]);

        public override IdentityError InvalidToken() => Error(nameof(InvalidToken), l["This link has expired or has already been used."]);

        public override IdentityError RecoveryCodeRedemptionFailed() => Error(nameof(RecoveryCodeRedemptionFailed), l["That recovery code is not valid, or it was used already."]);

        public override IdentityError LoginAlreadyAssociated() => Error(nameof(LoginAlreadyAssociated), l["That sign-in is already linked to another user."]);

        public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), l["That user name cannot be used."]);

        public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), l["Enter an e-mail address such as name@example.com."]);

        public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), l["That user name cannot be used."]);

        public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), l["That e-mail address cannot be used."]);

        public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), l["This user already has a password."]);

        public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), l["We could not complete that. Nothing was changed. Please try again in a moment."]);

        public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), l["Passwords must be at least {0} characters.", length]);

        public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), l["Use at least {0} different characters.", uniqueChars]);

        public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), l["Use at least one character that is not a letter or a digit."]);

        public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), l["Use at least one digit."]);

        public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), l["Use at least one lowercase letter."]);

        public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), l["Use at least one uppercase letter."]);

        private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
    }
}
