from django.db import models
from django.utils.translation import gettext_lazy as _


class System(models.TextChoices):
    """The service systems an operator sells (Sistema)."""

    TV = "tv", _("TV")
    INTERNET = "internet", _("Internet")
    TELEPHONY = "telephony", _("Telephony")
    VOD = "vod", _("VOD")


class Technology(models.TextChoices):
    """Access technologies (Tecnologia)."""

    HFC = "hfc", _("HFC")
    FTTH = "ftth", _("FTTH")
    DTH = "dth", _("DTH (satellite)")
    XDSL = "xdsl", _("xDSL")
    WIRELESS = "wireless", _("Wireless")
    IPTV_OTT = "iptv_ott", _("IPTV/OTT")


class ProductRole(models.TextChoices):
    MAIN = "main", _("Main")
    ADDITIONAL = "additional", _("Additional")


class DeviceKind(models.TextChoices):
    SET_TOP_BOX = "stb", _("Set-top box")
    SMART_CARD = "smart_card", _("Smart card")
    CABLE_MODEM = "cable_modem", _("Cable modem")
    ONT = "ont", _("ONT (fibre terminal)")
    ROUTER = "router", _("Wi-Fi router")
    ATA = "ata", _("Telephone adapter (ATA)")
    DISH = "dish", _("Satellite dish")
    MATERIAL = "material", _("Material (cable, connectors...)")
