from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, comma or semicolon separated, with the header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
