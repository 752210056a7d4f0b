"""Prepaid (S4) at run time: a customer's prepaid balance (a wallet of append-only entries),
recharges, the daily charge at the company's local midnight and the switches between prepaid
and postpaid. The rules are pure, in ``tenant_apps.collections.prepaid``."""
