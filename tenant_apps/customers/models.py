"""Customers (C1, C2): people or businesses, their contacts, installation addresses and groups.

A customer's products live at its addresses (sales.Subscription); its one current account
(ledger.Account) gathers the billing of all of them. ``status`` is derived from the
subscriptions (customers.status) and stored, so lists and searches filter on it cheaply.
``search_text`` is the customer's name, documents, phones and addresses, normalized (lower case,
no accents); a full-text GIN index and a prefix index on ``search_name`` serve the search.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from .choices import (
    ContactChannel,
    ContactKind,
    CustomerKind,
    CustomerStatus,
    CustomerType,
    GroupKind,
)


class Group(models.Model):
    """A group billed as one (S3): a building consortium, a shopping centre..."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices)
    tax_id = models.CharField(_("tax id"), max_length=20, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    code = models.CharField(_("customer number"), max_length=20, unique=True)
    kind = models.CharField(_("person or business"), max_length=10, choices=CustomerKind.choices)
    name = models.CharField(_("name"), max_length=150)
    trade_name = models.CharField(_("trade name"), max_length=150, blank=True)
    tax_id = models.CharField(
        _("tax id"), max_length=20, help_text=_("CPF or CNPJ in Brazil; digits only are kept.")
    )
    tax_id_country = models.CharField(_("tax id country"), max_length=2, default="BR")
    customer_type = models.CharField(
        _("customer type"), max_length=12, choices=CustomerType.choices
    )
    birth_date = models.DateField(_("birth or foundation date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CustomerStatus.choices,
        default=CustomerStatus.PROSPECT,
        editable=False,
    )
    external_ref = models.CharField(
        _("reference in the previous system"), max_length=40, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    search_name = models.CharField(max_length=150, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id_country", "tax_id"], name="customers_customer_tax_id_unique"
            ),
        ]
        indexes = [
            models.Index(
                OpClass("search_name", name="text_pattern_ops"),
                name="customers_search_name_prefix",
            ),
            GinIndex(
                SearchVector("search_text", config="simple"), name="customers_search_text_fts"
            ),
            models.Index(
                fields=["external_ref"],
                name="customers_external_ref",
                condition=~models.Q(external_ref=""),
            ),
            models.Index(fields=["status"], name="customers_status"),
            models.Index(Upper("code"), name="customers_code_upper"),
            # tax id exact and prefix (the search looks up "tax_id LIKE 'digits%'").
            models.Index(
                OpClass("tax_id", name="text_pattern_ops"), name="customers_tax_id_prefix"
            ),
        ]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contact(models.Model):
    """A phone number or e-mail address of a customer. ``normalized``: digits of a phone,
    lower-cased e-mail (the search looks these up)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=120)
    normalized = models.CharField(max_length=120, editable=False, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    name = models.CharField(_("contact person"), max_length=100, blank=True)

    class Meta:
        ordering = ["-is_primary", "kind", "id"]
        indexes = [
            # phone exact and prefix (the search looks up "normalized LIKE 'digits%'").
            models.Index(
                OpClass("normalized", name="text_pattern_ops"), name="customers_contact_prefix"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "normalized"], name="customers_contact_unique"
            )
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.value


class Address(models.Model):
    """An installation address of a customer; products are installed at addresses."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("customer")
    )
    zone = models.ForeignKey(
        "locations.Zone",
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("zone"),
    )
    street = models.CharField(_("street"), max_length=150)
    number = models.CharField(_("number"), max_length=20)
    complement = models.CharField(_("complement"), max_length=80, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addresses",
        verbose_name=_("group"),
        help_text=_("The consortium or shopping centre this address belongs to, if any."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["customer_id", "id"]
        verbose_name = _("installation address")
        verbose_name_plural = _("installation addresses")

    def __str__(self) -> str:
        parts = [f"{self.street}, {self.number}"]
        if self.complement:
            parts.append(self.complement)
        return " – ".join(parts)


class ContactRecord(models.Model):
    """A contact of the customer with the company (C3): when, who answered, why, what was
    answered and done. Written once, never edited."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_records")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    agent_user_id = models.BigIntegerField(null=True, blank=True)
    agent_label = models.CharField(_("agent"), max_length=150)
    branch_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=150)
    answer = models.TextField(_("answer given"), blank=True)
    actions = models.TextField(_("actions taken"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="customers_contact_rec_recent")]
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"
