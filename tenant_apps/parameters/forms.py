from django import forms

from .models import CompanyParameters
from .services import EDITABLE


class ParametersForm(forms.ModelForm):
    class Meta:
        model = CompanyParameters
        fields = EDITABLE
