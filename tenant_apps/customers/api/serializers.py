"""Input and output serializers of the customers API (one pair per view)."""

from rest_framework import serializers

from tenant_apps.locations.models import Zone

from ..choices import ContactChannel, ContactKind, CustomerKind, CustomerType, GroupKind
from ..models import Address, Contact, ContactRecord, Customer, Group


class ContactOutput(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "kind", "value", "normalized", "is_primary", "name"]


class ContactInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    value = serializers.CharField(max_length=120)
    is_primary = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AddressOutput(serializers.ModelSerializer):
    zone_name = serializers.CharField(source="zone.__str__", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)

    class Meta:
        model = Address
        fields = [
            "id",
            "zone",
            "zone_name",
            "street",
            "number",
            "complement",
            "postal_code",
            "group",
            "group_name",
            "is_active",
            "created_at",
        ]


class AddressInput(serializers.Serializer):
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all())
    street = serializers.CharField(max_length=150)
    number = serializers.CharField(max_length=20)
    complement = serializers.CharField(max_length=80, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )


class AddressUpdateInput(AddressInput):
    is_active = serializers.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class CustomerOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "trade_name",
            "tax_id",
            "tax_id_country",
            "customer_type",
            "birth_date",
            "status",
            "status_label",
            "external_ref",
            "notes",
            "created_at",
            "updated_at",
        ]


class CustomerCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CustomerKind.choices)
    name = serializers.CharField(max_length=150)
    trade_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=30)
    customer_type = serializers.ChoiceField(choices=CustomerType.choices)
    birth_date = serializers.DateField(required=False, allow_null=True)
    external_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    contacts = ContactInput(many=True, required=False)
    address = AddressInput(required=False)


class CustomerUpdateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    name = serializers.CharField(max_length=150, required=False)
    trade_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=30, required=False)
    customer_type = serializers.ChoiceField(choices=CustomerType.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    external_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class CustomerListQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(
        choices=Customer._meta.get_field("status").choices, required=False
    )
    customer_type = serializers.ChoiceField(choices=CustomerType.choices, required=False)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)


class GroupOutput(serializers.ModelSerializer):
    account_id = serializers.IntegerField(source="account.id", read_only=True, default=None)

    class Meta:
        model = Group
        fields = ["id", "name", "kind", "tax_id", "notes", "account_id", "created_at"]


class GroupInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    tax_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class GroupUpdateInput(GroupInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class ContactRecordOutput(serializers.ModelSerializer):
    class Meta:
        model = ContactRecord
        fields = [
            "id",
            "at",
            "channel",
            "agent_user_id",
            "agent_label",
            "branch_id",
            "reason",
            "answer",
            "actions",
        ]


class ContactRecordInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    reason = serializers.CharField(max_length=150)
    answer = serializers.CharField(required=False, allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True)


class OverviewOutput(serializers.Serializer):
    """The customer 360 (built as JSON by the database; money as strings)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    name = serializers.CharField()
    trade_name = serializers.CharField()
    tax_id = serializers.CharField()
    tax_id_country = serializers.CharField()
    customer_type = serializers.CharField()
    customer_type_label = serializers.CharField()
    birth_date = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    external_ref = serializers.CharField()
    notes = serializers.CharField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()
    account_id = serializers.IntegerField(allow_null=True)
    balance = serializers.CharField()
    debt = serializers.JSONField()
    contacts = serializers.JSONField()
    addresses = serializers.JSONField()
    open_requests = serializers.JSONField()
    contact_records = serializers.JSONField()
    history = serializers.JSONField()
