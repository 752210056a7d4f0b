"""clean_attributes: each system's provisioning attributes validated and typed (pure)."""

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.catalog.provisioning_attributes import SPECS, attributes_for, clean_attributes

INTERNET = {"speed_profile": "FIBRA-300", "download_kbps": 300000, "upload_kbps": 150000}


@pytest.mark.parametrize(
    ("system", "data", "expected"),
    [
        ("internet", INTERNET, INTERNET),
        (
            "internet",
            {**INTERNET, "download_kbps": "300000", "upload_kbps": " 1000 "},
            {**INTERNET, "download_kbps": 300000, "upload_kbps": 1000},
        ),
        ("internet", {**INTERNET, "static_ip": True}, {**INTERNET, "static_ip": True}),
        ("internet", {**INTERNET, "static_ip": None}, INTERNET),
        ("tv", {"cas_packages": ["BASIC", "HBO"]}, {"cas_packages": ["BASIC", "HBO"]}),
        ("tv", {"cas_packages": "BASIC, HBO ,"}, {"cas_packages": ["BASIC", "HBO"]}),
        (
            "tv",
            {"cas_packages": ["BASIC"], "max_devices": 16},
            {"cas_packages": ["BASIC"], "max_devices": 16},
        ),
        (
            "telephony",
            {"lines": 30, "calling_plan": "LOCAL"},
            {"lines": 30, "calling_plan": "LOCAL"},
        ),
        ("vod", {"catalogue_tier": " GOLD "}, {"catalogue_tier": "GOLD"}),
        (
            "vod",
            {"catalogue_tier": "GOLD", "concurrent_streams": 1},
            {"catalogue_tier": "GOLD", "concurrent_streams": 1},
        ),
    ],
)
def test_valid_attributes_come_back_typed(system, data, expected):
    """Valid input is returned with its declared types (strings of digits become ints, code
    lists are split and trimmed, empty optional values are dropped)."""
    assert clean_attributes(system, data) == expected


@pytest.mark.parametrize(
    ("system", "data", "field"),
    [
        ("internet", {**INTERNET, "download_kbps": 10}, "provisioning.download_kbps"),
        ("internet", {**INTERNET, "download_kbps": 100_000_001}, "provisioning.download_kbps"),
        ("internet", {**INTERNET, "download_kbps": "fast"}, "provisioning.download_kbps"),
        ("internet", {**INTERNET, "download_kbps": True}, "provisioning.download_kbps"),
        ("internet", {**INTERNET, "download_kbps": 1.5}, "provisioning.download_kbps"),
        ("internet", {**INTERNET, "upload_kbps": None}, "provisioning.upload_kbps"),
        ("internet", {**INTERNET, "speed_profile": "fibra 300!"}, "provisioning.speed_profile"),
        ("internet", {**INTERNET, "static_ip": "yes"}, "provisioning.static_ip"),
        ("internet", {**INTERNET, "colour": "red"}, "provisioning"),
        ("internet", {}, "provisioning.speed_profile"),
        ("tv", {"cas_packages": []}, "provisioning.cas_packages"),
        ("tv", {"cas_packages": ["OK", "not ok"]}, "provisioning.cas_packages"),
        ("tv", {"cas_packages": {"a": 1}}, "provisioning.cas_packages"),
        ("tv", {"cas_packages": ["A"], "max_devices": 17}, "provisioning.max_devices"),
        ("telephony", {"lines": 0, "calling_plan": "LOCAL"}, "provisioning.lines"),
        ("telephony", {"lines": 1}, "provisioning.calling_plan"),
        (
            "vod",
            {"catalogue_tier": "GOLD", "concurrent_streams": 11},
            "provisioning.concurrent_streams",
        ),
        ("vod", ["GOLD"], "provisioning"),
    ],
)
def test_bad_attributes_are_named(system, data, field):
    """Each bad, missing or unknown attribute is reported under its own field name."""
    with pytest.raises(ValidationError) as caught:
        clean_attributes(system, data)
    assert field in caught.value.message_dict


def test_every_error_is_reported_at_once():
    """All failing attributes are reported together, not only the first."""
    with pytest.raises(ValidationError) as caught:
        clean_attributes("internet", {"download_kbps": 1, "upload_kbps": "x", "extra": 1})
    assert set(caught.value.message_dict) == {
        "provisioning",
        "provisioning.speed_profile",
        "provisioning.download_kbps",
        "provisioning.upload_kbps",
    }


def test_empty_input_is_an_empty_object_for_a_system_without_requirements():
    """None or "" count as no attributes; an unknown system declares none."""
    assert clean_attributes("unknown", None) == {}
    assert clean_attributes("unknown", "") == {}
    assert attributes_for("unknown") == ()


def test_every_system_declares_attributes():
    """Each of the four systems has a declaration, and names are unique within it."""
    assert set(SPECS) == {"tv", "internet", "telephony", "vod"}
    for attributes in SPECS.values():
        names = [a.name for a in attributes]
        assert len(names) == len(set(names))
