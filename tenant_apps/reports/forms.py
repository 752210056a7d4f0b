"""The reports' filters (GET forms). Each validates its range with a field-level message."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import DAY, MONTH

MAX_DAYS_BY_DAY = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label):
    return forms.DateField(label=label, required=False, widget=DateInput())


class _RangeForm(forms.Form):
    """``start_field`` ≤ ``end_field`` when both are given."""

    start_field = "start"
    end_field = "end"

    def clean(self):
        data = super().clean()
        start, end = data.get(self.start_field), data.get(self.end_field)
        if start and end and start > end:
            self.add_error(self.end_field, _("The end must not come before the start."))
        return data


class BillingFilterForm(_RangeForm):
    start_field = "cycle_from"
    end_field = "cycle_to"

    cycle_from = _date(_("Cycles from"))
    cycle_to = _date(_("Cycles until"))


class CollectionsFilterForm(_RangeForm):
    start = _date(_("Received from"))
    end = _date(_("Received until"))
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[(DAY, _("Day")), (MONTH, _("Month"))],
        required=False,
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["end"] = data.get("end") or self.today
        data["start"] = data.get("start") or data["end"].replace(day=1)
        data["group_by"] = data.get("group_by") or DAY
        if data["start"] > data["end"]:
            self.add_error("start", _("The start must not come after the end."))
        elif data["group_by"] == DAY and (data["end"] - data["start"]).days >= MAX_DAYS_BY_DAY:
            self.add_error(
                "group_by",
                _("Group by month for a range longer than %(days)d days.")
                % {"days": MAX_DAYS_BY_DAY},
            )
        return data


class AgeingFilterForm(forms.Form):
    as_of = _date(_("As of"))
    top = forms.IntegerField(label=_("Customers shown"), min_value=1, max_value=500, required=False)


class StatementFilterForm(_RangeForm):
    start = _date(_("From"))
    end = _date(_("Until"))
