"""Billing (issue 4). The pure rules live in plain modules with no ORM, request or settings
access: ``cycles`` (the billing cycle), ``rating`` (proration, promotions, lines, the group
split) and ``taxes`` (named tax rates added to or included in the price)."""
