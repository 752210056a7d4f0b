"""Provisioning commands: what the platforms (RADIUS, softswitch, CAS, OLT, VOD) must do to a
subscription's service, recorded once per cause (an idempotency key) for the provisioning
side to execute. Dunning and prepaid write them here."""
