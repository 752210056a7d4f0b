from django.utils.translation import gettext as _
from rest_framework import serializers

from tenant_apps.collections.choices import PaymentOrigin
from tenant_apps.parameters.selectors import company_today

from ..forms import MAX_DAYS_BY_DAY
from ..selectors import DAY, MONTH

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


def _money(**kwargs):
    return serializers.DecimalField(**MONEY, **kwargs)


# --- billing ---------------------------------------------------------------------------------


class BillingQuery(serializers.Serializer):
    cycle_from = serializers.DateField(required=False, help_text="First cycle start, inclusive.")
    cycle_to = serializers.DateField(required=False, help_text="Last cycle start, inclusive.")

    def validate(self, data):
        start, end = data.get("cycle_from"), data.get("cycle_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"cycle_to": [_("The end must not come before the start.")]}
            )
        return data


class BillingRowOutput(serializers.Serializer):
    cycle = serializers.DateField(
        allow_null=True,
        help_text="The cycle's start (an invoice outside a cycle: its issue month).",
    )
    system = serializers.CharField(
        help_text="tv, internet, telephony, vod or other (lines without a system); "
        "empty on a cycle's or the grand total."
    )
    invoices = serializers.IntegerField()
    amount = _money()
    added_tax = _money()
    included_tax = _money()
    total = _money(help_text="Amount plus added taxes.")
    cancelled_invoices = serializers.IntegerField()
    cancelled_total = _money(help_text="The part cancelled since by credit notes.")
    net_total = _money()


class BillingReportOutput(serializers.Serializer):
    rows = BillingRowOutput(many=True, help_text="Per cycle and system.")
    cycles = BillingRowOutput(many=True, help_text="Per cycle, all systems.")
    totals = BillingRowOutput()


# --- collections -----------------------------------------------------------------------------


class CollectionsQuery(serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="First day received, inclusive (default: end's month start)."
    )
    end = serializers.DateField(
        required=False, help_text="Last day received, inclusive (default: today)."
    )
    group_by = serializers.ChoiceField(choices=[DAY, MONTH], default=DAY)

    def validate(self, data):
        data["end"] = data.get("end") or company_today()
        data["start"] = data.get("start") or data["end"].replace(day=1)
        if data["start"] > data["end"]:
            raise serializers.ValidationError(
                {"end": [_("The end must not come before the start.")]}
            )
        if data["group_by"] == DAY and (data["end"] - data["start"]).days >= MAX_DAYS_BY_DAY:
            raise serializers.ValidationError(
                {
                    "group_by": [
                        _("Group by month for a range longer than %(days)d days.")
                        % {"days": MAX_DAYS_BY_DAY}
                    ]
                }
            )
        return data


class CollectionsRowOutput(serializers.Serializer):
    period = serializers.DateField(
        allow_null=True, help_text="The day, or the month's first day; null on totals."
    )
    origin = serializers.ChoiceField(
        choices=PaymentOrigin.choices, allow_blank=True, help_text="Empty on the grand total."
    )
    payments = serializers.IntegerField(help_text="Payments posted (not reversed).")
    amount = _money(help_text="What they collected.")
    systems = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="The amount spread over the invoices' systems (tv, internet, telephony, vod, "
        "other) and not_allocated; the parts add up to amount.",
    )
    reversed_payments = serializers.IntegerField()
    reversed_amount = _money()


class CollectionsReportOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    group_by = serializers.CharField()
    rows = CollectionsRowOutput(many=True, help_text="Per period and origin.")
    by_origin = CollectionsRowOutput(many=True, help_text="Per origin, the whole range.")
    totals = CollectionsRowOutput()


# --- ageing ----------------------------------------------------------------------------------


class AgeingQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Default: today (company zone).")
    top = serializers.IntegerField(required=False, min_value=1, max_value=500, default=20)


class AgeingRowOutput(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    group = serializers.IntegerField(source="group_id", allow_null=True)
    name = serializers.CharField()
    code = serializers.CharField(help_text="The customer number.")
    amounts = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="Open amount per bucket: not_due, d0_30, d31_60, d61_90, d90_plus.",
    )
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Invoices.")
    total = _money()
    invoices = serializers.IntegerField()


class AgeingReportOutput(serializers.Serializer):
    as_of = serializers.DateField()
    totals = AgeingRowOutput()
    rows = AgeingRowOutput(many=True, help_text="The payers owing most, largest first.")
    payers = serializers.IntegerField(help_text="Payers with an open amount.")
