using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;

namespace Portal.Tests.Security;

/// <summary>Each rule of the declared requirements on its own, without a host.</summary>
public sealed class PageRequirementsTests
{
    private static CurrentAccount Member(Permissions permissions) =>
        new(1, "10001", "Bayside", "USD", null, null, null, false, permissions, false);

    [Fact]
    public void A_page_that_declares_nothing_is_allowed_to_any_member() =>
        Assert.Equal(RequirementVerdict.Allowed, PageRequirements.Evaluate([], new OperatorSettings(), Member(Permissions.View)));

    [Fact]
    public void A_member_without_the_declared_permission_is_forbidden() =>
        Assert.Equal(RequirementVerdict.Forbidden, PageRequirements.Evaluate(
            [new RequiresPermissionAttribute(Permissions.SeeMoney)], new OperatorSettings(), Member(Permissions.View | Permissions.Pay)));

    [Fact]
    public void Every_declared_permission_is_needed_not_just_one() =>
        Assert.Equal(RequirementVerdict.Forbidden, PageRequirements.Evaluate(
            [new RequiresPermissionAttribute(Permissions.Pay), new RequiresPermissionAttribute(Permissions.SeeMoney)],
            new OperatorSettings(), Member(Permissions.View | Permissions.Pay)));

    [Fact]
    public void A_member_with_the_declared_permissions_is_allowed() =>
        Assert.Equal(RequirementVerdict.Allowed, PageRequirements.Evaluate(
            [new RequiresPermissionAttribute(Permissions.Pay), new RequiresPermissionAttribute(Permissions.SeeMoney)],
            new OperatorSettings(), Member(Permissions.View | Permissions.Pay | Permissions.SeeMoney)));

    [Fact]
    public void A_switched_off_feature_is_not_found_even_for_a_member_with_every_permission()
    {
        var settings = new OperatorSettings { UsageEnabled = false };
        Assert.Equal(RequirementVerdict.NotFound, PageRequirements.Evaluate(
            [new RequiresFeatureAttribute(PortalFeature.Usage), new RequiresPermissionAttribute(Permissions.View)], settings, Member(Permissions.All)));
    }

    [Fact]
    public void A_feature_is_checked_on_pages_without_an_account_but_permissions_are_not()
    {
        var off = new OperatorSettings { ForgotPasswordEnabled = false };
        Assert.Equal(RequirementVerdict.NotFound, PageRequirements.Evaluate([new RequiresFeatureAttribute(PortalFeature.ForgotPassword)], off, account: null));
        Assert.Equal(RequirementVerdict.Allowed, PageRequirements.Evaluate([new RequiresPermissionAttribute(Permissions.Pay)], new OperatorSettings(), account: null));
    }

    [Fact]
    public void Exports_and_autopay_go_with_the_feature_they_belong_to()
    {
        Assert.False(new OperatorSettings { UsageEnabled = false, UsageExportEnabled = true }.IsOn(PortalFeature.UsageExport));
        Assert.False(new OperatorSettings { PaymentsEnabled = false, AutopayEnabled = true }.IsOn(PortalFeature.Autopay));
    }

    [Fact]
    public void Every_feature_can_be_switched_off_and_on_again()
    {
        foreach (var feature in Enum.GetValues<PortalFeature>())
        {
            var settings = new OperatorSettings();
            // Features that depend on another need it on.
            settings.Set(PortalFeature.Payments, true);
            settings.Set(PortalFeature.Usage, true);
            settings.Set(feature, false);
            Assert.False(settings.IsOn(feature), feature.ToString());
            settings.Set(feature, true);
            Assert.True(settings.IsOn(feature), feature.ToString());
        }
    }
}
