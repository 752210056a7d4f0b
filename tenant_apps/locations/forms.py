from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.choices import Technology

from .models import City, Zone


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        fields = ["name", "state", "code"]

    def clean_state(self):
        return (self.cleaned_data.get("state") or "").strip().upper()


class ZoneForm(forms.ModelForm):
    """A zone and the access technologies it covers (one checkbox each)."""

    technologies = forms.MultipleChoiceField(
        label=capfirst(_("technologies covered")),
        choices=Technology.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Zone
        fields = ["city", "name", "technologies"]
