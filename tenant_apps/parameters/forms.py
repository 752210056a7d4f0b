import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CompanyParameters, DocumentSeries
from .services import EDITABLE


def _time_zones():
    return [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class ParametersForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=_time_zones)

    class Meta:
        model = CompanyParameters
        fields = EDITABLE


class SeriesForm(forms.ModelForm):
    class Meta:
        model = DocumentSeries
        fields = ["prefix", "next_number", "padding"]
