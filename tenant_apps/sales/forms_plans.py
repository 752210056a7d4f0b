"""Forms of the sales plans pages. They parse input; the plan services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.models import DeviceModel, Product
from tenant_apps.customers.choices import CustomerType
from tenant_apps.customers.models import Group
from tenant_apps.locations.models import City, Zone

from .models import PlanDevice, PlanItem, PlanPromotion, SalesPlan
from .services.plans import PLAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    customer_types = forms.MultipleChoiceField(
        label=_("Customer types"),
        choices=CustomerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every customer type."),
    )
    cities = forms.ModelMultipleChoiceField(
        label=_("Valid cities"),
        queryset=City.objects.all(),
        required=False,
        help_text=_("None chosen: every city."),
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Valid zones"),
        queryset=Zone.objects.select_related("city"),
        required=False,
        help_text=_("None chosen: every zone of the valid cities."),
    )

    class Meta:
        model = SalesPlan
        fields = [*PLAN_FIELDS, "cities", "zones"]
        widgets = {"valid_from": DATE, "valid_until": DATE}

    def _post_clean(self):
        # The service validates the whole plan (fields and the rules across them); the form
        # only parses, so the instance is left untouched here.
        pass


class ItemAddForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(is_active=True)
    )
    price = forms.DecimalField(
        label=_("Price in the plan"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the catalog's monthly price."),
    )
    included = forms.BooleanField(label=_("Included in the sale"), required=False, initial=True)
    with_devices = forms.BooleanField(
        label=_("Add the devices the product needs"), required=False, initial=True
    )

    def __init__(self, *args, plan: SalesPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).exclude(
            pk__in=PlanItem.objects.filter(plan=plan).values("product_id")
        )


class ItemEditForm(forms.Form):
    price = forms.DecimalField(
        label=_("Price in the plan"), max_digits=12, decimal_places=2, required=False
    )
    included = forms.BooleanField(label=_("Included in the sale"), required=False)


class DeviceAddForm(forms.Form):
    device_model = forms.ModelChoiceField(
        label=_("Device model"), queryset=DeviceModel.objects.filter(is_active=True)
    )
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)

    def __init__(self, *args, plan: SalesPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device_model"].queryset = DeviceModel.objects.filter(is_active=True).exclude(
            pk__in=PlanDevice.objects.filter(plan=plan).values("device_model_id")
        )


class DeviceEditForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"))


class PromotionForm(forms.ModelForm):
    class Meta:
        model = PlanPromotion
        fields = ["item", "name", "discount_kind", "value", "months"]

    def __init__(self, *args, plan: SalesPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = PlanItem.objects.filter(plan=plan).select_related("product")
        self.fields["item"].label_from_instance = lambda item: str(item.product)

    def _post_clean(self):
        pass  # the service checks the promotion


class GroupPlanForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.all())
    group_items = forms.ModelMultipleChoiceField(
        label=_("Products the group pays"),
        queryset=PlanItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each member pays the others."),
    )

    def __init__(self, *args, plan: SalesPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_items"].queryset = PlanItem.objects.filter(plan=plan).select_related(
            "product"
        )
        self.fields["group_items"].label_from_instance = lambda item: str(item.product)
