from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.locations.models import Zone

from .choices import ContactKind
from .models import Address, Contact, ContactRecord, Customer, Group
from .tax_ids import tax_id_label


def _tax_id_label(country: str) -> str:
    person, business = tax_id_label(country, "person"), tax_id_label(country, "business")
    return person if person == business else f"{person} / {business}"


class CustomerForm(forms.ModelForm):
    """Person or business; the tax id label follows the company's country (CPF / CNPJ)."""

    tax_id = forms.CharField(max_length=30)

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            "trade_name",
            "tax_id",
            "customer_type",
            "birth_date",
            "external_ref",
            "notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, country: str = "BR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_id"].label = _tax_id_label(country)
        self.fields["tax_id"].help_text = _("Digits only are kept; punctuation is optional.")
        self.fields["trade_name"].help_text = _("For a business: the name it trades under.")

    def _post_clean(self):
        # The service validates against the model (tax id, uniqueness); skip the form's copy.
        pass


class CustomerCreateForm(CustomerForm):
    """A new customer with, optionally, its first phone, e-mail and installation address."""

    phone = forms.CharField(label=_("mobile phone"), max_length=120, required=False)
    email = forms.EmailField(label=_("e-mail"), max_length=120, required=False)
    zone = forms.ModelChoiceField(
        label=_("zone"),
        queryset=Zone.objects.select_related("city"),
        required=False,
        help_text=_("Fill in the address now, or add it later."),
    )
    street = forms.CharField(label=_("street"), max_length=150, required=False)
    number = forms.CharField(label=_("number"), max_length=20, required=False)
    complement = forms.CharField(label=_("complement"), max_length=80, required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=12, required=False)

    ADDRESS_FIELDS = ("zone", "street", "number", "complement", "postal_code")

    def clean(self):
        data = super().clean()
        if any(data.get(f) for f in self.ADDRESS_FIELDS):
            for name in ("zone", "street", "number"):
                if not data.get(name):
                    self.add_error(name, _("Required for the address."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {f: data.get(f) for f in CustomerForm.Meta.fields}
        for f in ("trade_name", "external_ref", "notes"):
            kwargs[f] = kwargs[f] or ""
        contacts = []
        self.contact_fields = []
        if data.get("phone"):
            contacts.append(
                {"kind": ContactKind.MOBILE, "value": data["phone"], "is_primary": True}
            )
            self.contact_fields.append("phone")
        if data.get("email"):
            contacts.append({"kind": ContactKind.EMAIL, "value": data["email"]})
            self.contact_fields.append("email")
        kwargs["contacts"] = contacts
        if data.get("zone"):
            kwargs["address"] = {f: data.get(f) or "" for f in self.ADDRESS_FIELDS}
            kwargs["address"]["zone"] = data["zone"]
        return kwargs


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["zone", "street", "number", "complement", "postal_code", "group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.select_related("city")

    def _post_clean(self):
        pass


class AddressEditForm(AddressForm):
    class Meta(AddressForm.Meta):
        fields = [*AddressForm.Meta.fields, "is_active"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "value", "name", "is_primary"]

    def _post_clean(self):
        pass


class ContactRecordForm(forms.ModelForm):
    class Meta:
        model = ContactRecord
        fields = ["channel", "reason", "answer", "actions"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 2}),
            "actions": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        pass


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "tax_id", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, country: str = "BR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_id"].label = tax_id_label(country, "business")

    def _post_clean(self):
        pass
