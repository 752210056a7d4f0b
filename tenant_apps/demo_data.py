"""The run command's commercial demo data for one company (issue 3, item 10).

A realistic catalog (TV, Internet, telephony and VOD over HFC, FTTH, DTH, xDSL, wireless and
IPTV/OTT), cities and zones with their coverage, sales plans with conditions and promotions, a
building consortium with its group plan, and a few hundred customers with addresses and
products. Everything goes through the real services (the customers through the CSV migration
import, as an operator leaving its old system would bring them), so the demo exercises the code
a newcomer then uses. Idempotent: what exists (by code, name or the import file's checksum) is
left alone; the generated file is the same on every run (a seeded random generator).

Call inside the company's schema: ``seed_commercial(actor=..., region=...)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings

from shared_apps.audit.actor import Actor

# --- Catalog ---------------------------------------------------------------------------------

DEVICE_MODELS = [
    # code, kind, vendor, model, serialised
    ("STB-HFC-DCX", "stb", "Arris", "DCX525", True),
    ("STB-IPTV-X1", "stb", "Kaon", "KSTB6077", True),
    ("STB-DTH-S14", "stb", "Skyworth", "HD 6000 DTH", True),
    ("CARD-NAGRA", "smart_card", "Nagra", "Merlin S4", True),
    ("CM-TG3452", "cable_modem", "Arris", "TG3452 DOCSIS 3.1", True),
    ("ONT-EG8145", "ont", "Huawei", "EG8145V5", True),
    ("ONT-F670L", "ont", "ZTE", "F670L", True),
    ("RTR-AX1800", "router", "TP-Link", "Archer AX1800", True),
    ("ATA-HT802", "ata", "Grandstream", "HT802", True),
    ("DSL-DG8245", "router", "Huawei", "DG8245V xDSL", True),
    ("CPE-LTU", "router", "Ubiquiti", "LTU Lite", True),
    ("DISH-60", "dish", "Century", "Antena 60 cm banda Ku", False),
    ("CABLE-RG6", "material", "Genérico", "Cabo coaxial RG6 (m)", False),
]

INTERNET = "internet"
TV = "tv"
PHONE = "telephony"
VOD = "vod"


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    system: str
    role: str
    technology: str
    monthly: str
    daily: str
    provisioning: dict
    devices: tuple[tuple[str, int], ...] = ()


def _net(profile: str, down_mbps: int, up_mbps: int) -> dict:
    return {
        "speed_profile": profile,
        "download_kbps": down_mbps * 1000,
        "upload_kbps": up_mbps * 1000,
    }


PRODUCTS = [
    ProductSpec(
        "NET-FIBRA-300",
        "Fibra 300 Mega",
        INTERNET,
        "main",
        "ftth",
        "99.90",
        "3.3300",
        _net("FTTH-300", 300, 150),
        (("ONT-EG8145", 1),),
    ),
    ProductSpec(
        "NET-FIBRA-600",
        "Fibra 600 Mega",
        INTERNET,
        "main",
        "ftth",
        "129.90",
        "4.3300",
        _net("FTTH-600", 600, 300),
        (("ONT-EG8145", 1), ("RTR-AX1800", 1)),
    ),
    ProductSpec(
        "NET-FIBRA-1G",
        "Fibra 1 Giga",
        INTERNET,
        "main",
        "ftth",
        "199.90",
        "6.6600",
        {**_net("FTTH-1000", 1000, 500), "static_ip": True},
        (("ONT-F670L", 1), ("RTR-AX1800", 1)),
    ),
    ProductSpec(
        "NET-CABO-200",
        "Cabo 200 Mega",
        INTERNET,
        "main",
        "hfc",
        "89.90",
        "3.0000",
        _net("DOCSIS-200", 200, 20),
        (("CM-TG3452", 1),),
    ),
    ProductSpec(
        "NET-RADIO-30",
        "Rádio 30 Mega",
        INTERNET,
        "main",
        "wireless",
        "79.90",
        "2.6600",
        _net("LTU-30", 30, 10),
        (("CPE-LTU", 1),),
    ),
    ProductSpec(
        "NET-ADSL-15",
        "ADSL 15 Mega",
        INTERNET,
        "main",
        "xdsl",
        "59.90",
        "2.0000",
        _net("ADSL-15", 15, 1),
        (("DSL-DG8245", 1),),
    ),
    ProductSpec(
        "NET-IPFIXO",
        "IP fixo",
        INTERNET,
        "additional",
        "ftth",
        "30.00",
        "1.0000",
        {**_net("STATIC-IP", 1, 1), "static_ip": True},
    ),
    ProductSpec(
        "TV-ESSENCIAL-HFC",
        "TV Essencial (cabo)",
        TV,
        "main",
        "hfc",
        "89.90",
        "3.0000",
        {"cas_packages": ["BASICO"], "max_devices": 2},
        (("STB-HFC-DCX", 1), ("CARD-NAGRA", 1), ("CABLE-RG6", 20)),
    ),
    ProductSpec(
        "TV-COMPLETA-HFC",
        "TV Completa HFC",
        TV,
        "main",
        "hfc",
        "149.90",
        "5.0000",
        {"cas_packages": ["BASICO", "AMPLIADO", "HD"], "max_devices": 4},
        (("STB-HFC-DCX", 1), ("CARD-NAGRA", 1), ("CABLE-RG6", 20)),
    ),
    ProductSpec(
        "TV-IPTV",
        "TV por IP",
        TV,
        "main",
        "iptv_ott",
        "79.90",
        "2.6600",
        {"cas_packages": ["IPTV-BASICO"], "max_devices": 3},
        (("STB-IPTV-X1", 1),),
    ),
    ProductSpec(
        "TV-DTH",
        "TV Satélite",
        TV,
        "main",
        "dth",
        "69.90",
        "2.3300",
        {"cas_packages": ["DTH-BASICO"], "max_devices": 1},
        (("STB-DTH-S14", 1), ("CARD-NAGRA", 1), ("DISH-60", 1)),
    ),
    ProductSpec(
        "TV-FILMES",
        "Pacote Filmes",
        TV,
        "additional",
        "hfc",
        "39.90",
        "1.3300",
        {"cas_packages": ["FILMES"]},
    ),
    ProductSpec(
        "TV-ESPORTES",
        "Pacote Esportes",
        TV,
        "additional",
        "hfc",
        "49.90",
        "1.6600",
        {"cas_packages": ["ESPORTES"]},
    ),
    ProductSpec(
        "TV-FILMES-DTH",
        "Pacote Filmes Satélite",
        TV,
        "additional",
        "dth",
        "34.90",
        "1.1600",
        {"cas_packages": ["DTH-FILMES"]},
    ),
    ProductSpec(
        "FONE-LOCAL",
        "Fone Ilimitado Local",
        PHONE,
        "main",
        "ftth",
        "29.90",
        "1.0000",
        {"lines": 1, "calling_plan": "LOCAL-ILIMITADO"},
        (("ATA-HT802", 1),),
    ),
    ProductSpec(
        "FONE-BRASIL",
        "Fone Ilimitado Brasil",
        PHONE,
        "main",
        "hfc",
        "49.90",
        "1.6600",
        {"lines": 2, "calling_plan": "BRASIL-ILIMITADO"},
        (("ATA-HT802", 1),),
    ),
    ProductSpec(
        "VOD-PLAY",
        "Aleator Play",
        VOD,
        "main",
        "iptv_ott",
        "19.90",
        "0.6600",
        {"catalogue_tier": "PADRAO", "concurrent_streams": 2},
    ),
    ProductSpec(
        "VOD-PREMIUM",
        "Aleator Play Premium",
        VOD,
        "additional",
        "iptv_ott",
        "14.90",
        "0.5000",
        {"catalogue_tier": "PREMIUM", "concurrent_streams": 4},
    ),
]

# --- Coverage --------------------------------------------------------------------------------

ALL_WIRED = ["hfc", "ftth", "iptv_ott"]
REGIONS = {
    "sul": [
        (
            "Porto Alegre",
            "RS",
            "4314902",
            [
                ("Centro Histórico", [*ALL_WIRED, "xdsl"]),
                ("Moinhos de Vento", ALL_WIRED),
                ("Menino Deus", ALL_WIRED),
                ("Restinga", ["wireless", "dth", "xdsl"]),
                ("Belém Novo", ["dth", "wireless"]),
            ],
        ),
        (
            "Canoas",
            "RS",
            "4304606",
            [("Centro", ["hfc", "ftth", "iptv_ott"]), ("Niterói", ["ftth", "iptv_ott"])],
        ),
        (
            "Caxias do Sul",
            "RS",
            "4305108",
            [
                ("São Pelegrino", ["ftth", "hfc", "iptv_ott"]),
                ("Interior", ["dth", "wireless"]),
            ],
        ),
    ],
    "norte": [
        (
            "Belém",
            "PA",
            "1501402",
            [
                ("Nazaré", ALL_WIRED),
                ("Umarizal", ["ftth", "iptv_ott"]),
                ("Icoaraci", ["wireless", "dth"]),
            ],
        ),
        ("Ananindeua", "PA", "1500800", [("Centro", ["ftth", "iptv_ott", "wireless"])]),
    ],
}

# --- Plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    kind: str = "postpaid"
    items: tuple[tuple[str, str | None, bool], ...] = ()  # product, plan price, included
    promotions: tuple[tuple[str, str, str, str, int], ...] = ()  # product, name, kind, value, m
    valid_from: dt.date = dt.date(2024, 1, 1)
    valid_until: dt.date | None = None
    customer_types: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    max_debt: str | None = None
    max_overdue_days: int | None = None
    installation_fee: str = "0"
    free_installation: bool = False
    min_recharge: str | None = None


PLANS = [
    PlanSpec(
        "FIBRA-300",
        "Fibra 300 Residencial",
        items=(
            ("NET-FIBRA-300", None, True),
            ("NET-IPFIXO", "25.00", False),
            ("VOD-PLAY", "14.90", False),
        ),
        promotions=(("NET-FIBRA-300", "Primeiros 3 meses pela metade", "percent", "50.00", 3),),
        customer_types=("residential",),
        max_debt="150.00",
        max_overdue_days=30,
        installation_fee="120.00",
    ),
    PlanSpec(
        "COMBO-FIBRA-TV",
        "Combo Fibra 600 + TV por IP",
        items=(
            ("NET-FIBRA-600", "119.90", True),
            ("TV-IPTV", "59.90", True),
            ("VOD-PLAY", "0.00", True),
            ("VOD-PREMIUM", None, False),
        ),
        promotions=(("TV-IPTV", "TV com R$ 20 de desconto por 6 meses", "fixed", "20.00", 6),),
        max_debt="300.00",
        max_overdue_days=60,
        free_installation=True,
    ),
    PlanSpec(
        "TV-CABO-COMPLETA",
        "TV Completa HFC + Fone",
        items=(
            ("TV-COMPLETA-HFC", None, True),
            ("FONE-BRASIL", "39.90", True),
            ("TV-FILMES", None, False),
            ("TV-ESPORTES", None, False),
            ("NET-CABO-200", "79.90", False),
        ),
        promotions=(("TV-ESPORTES", "Esportes grátis no 1º mês", "percent", "100.00", 1),),
        cities=("Porto Alegre", "Canoas"),
        installation_fee="90.00",
    ),
    PlanSpec(
        "EMPRESA-1G",
        "Empresarial Fibra 1 Giga + Fone",
        items=(("NET-FIBRA-1G", None, True), ("FONE-LOCAL", "19.90", True)),
        customer_types=("business", "government", "non_profit"),
        installation_fee="300.00",
    ),
    PlanSpec(
        "RURAL-RADIO",
        "Rádio 30 Mega Rural",
        items=(("NET-RADIO-30", None, True),),
        promotions=(("NET-RADIO-30", "R$ 10 off por 12 meses", "fixed", "10.00", 12),),
        installation_fee="200.00",
    ),
    PlanSpec(
        "ADSL-15",
        "ADSL 15 Mega",
        items=(("NET-ADSL-15", None, True),),
        installation_fee="50.00",
    ),
    PlanSpec(
        "PRE-TV-SAT",
        "TV Satélite Pré-paga",
        kind="prepaid",
        items=(("TV-DTH", None, True), ("TV-FILMES-DTH", None, False)),
        min_recharge="30.00",
        installation_fee="150.00",
    ),
    PlanSpec(
        "VERAO-2025",
        "Promoção Verão 2025 (encerrada)",
        items=(("NET-FIBRA-600", "99.90", True),),
        valid_from=dt.date(2024, 12, 1),
        valid_until=dt.date(2025, 3, 31),
    ),
    PlanSpec(
        "CONDOMINIO",
        "Condomínio Conectado",
        items=(("TV-ESSENCIAL-HFC", "49.90", True), ("NET-FIBRA-300", "89.90", True)),
        free_installation=True,
    ),
]
GROUP_NAME = "Condomínio Residencial Jardim das Acácias"
GROUP_TAX_ID = "45.723.174/0001-10"

# --- Customers -------------------------------------------------------------------------------

FIRST = [
    "Ana",
    "Maria",
    "João",
    "José",
    "Francisco",
    "Antônio",
    "Carlos",
    "Paulo",
    "Pedro",
    "Lucas",
    "Luiz",
    "Marcos",
    "Luís",
    "Gabriel",
    "Rafael",
    "Daniel",
    "Marcelo",
    "Bruno",
    "Eduardo",
    "Felipe",
    "Raimundo",
    "Rodrigo",
    "Juliana",
    "Márcia",
    "Fernanda",
    "Patrícia",
    "Aline",
    "Sandra",
    "Camila",
    "Amanda",
    "Bruna",
    "Jéssica",
    "Letícia",
    "Júlia",
    "Luciana",
    "Vanessa",
    "Mariana",
    "Gabriela",
    "Vera",
    "Vitória",
    "Larissa",
    "Cláudia",
    "Beatriz",
    "Rita",
    "Sônia",
    "Renata",
    "Eliane",
    "Helena",
    "Tiago",
    "Gustavo",
    "Otávio",
    "Rosângela",
    "Conceição",
    "Débora",
    "Sérgio",
    "Fábio",
    "Leonardo",
    "Henrique",
]
LAST = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Santana",
    "Teixeira",
    "Araújo",
    "Pinto",
    "Moura",
    "Cavalcanti",
    "Castro",
    "Monteiro",
    "Correia",
    "Batista",
    "Campos",
    "Azevedo",
]
STREETS = (
    "Rua dos Andradas",
    "Avenida Borges de Medeiros",
    "Rua Padre Chagas",
    "Avenida Ipiranga",
    "Rua Vinte e Quatro de Outubro",
    "Avenida Getúlio Vargas",
    "Rua da Praia",
    "Rua Olavo Bilac",
    "Travessa das Acácias",
    "Avenida Presidente Vargas",
    "Rua Santos Dumont",
    "Rua Sete de Setembro",
)
BUSINESSES = (
    "Padaria Pão Quente",
    "Mercado Bom Preço",
    "Clínica Sorriso",
    "Oficina do Zé",
    "Escritório Contábil Exato",
    "Farmácia Vida",
    "Restaurante Sabor Gaúcho",
    "Pet Shop Amigo Fiel",
    "Escola Pequeno Príncipe",
    "Hotel Central",
)


def _person(actor: Actor, rng: random.Random, external_ref: str, mobile: str):
    """A residential person customer with a random name and CPF (``rng``'s next draws)."""
    from tenant_apps.customers.services import customer_create

    return customer_create(
        actor=actor,
        kind="person",
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
        tax_id=_cpf(rng),
        customer_type="residential",
        external_ref=external_ref,
        contacts=[{"kind": "mobile", "value": mobile}],
    )


def _cpf(rng: random.Random) -> str:
    base = [rng.randint(0, 9) for _ in range(9)]
    for start in (10, 11):
        total = sum(d * w for d, w in zip(base, range(start, 1, -1), strict=False))
        digit = (total * 10) % 11
        base.append(0 if digit == 10 else digit)
    return "".join(map(str, base))


def _cnpj(rng: random.Random) -> str:
    base = [rng.randint(0, 9) for _ in range(8)] + [0, 0, 0, 1]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        total = sum(d * w for d, w in zip(base, weights, strict=True))
        rest = total % 11
        base.append(0 if rest < 2 else 11 - rest)
    return "".join(map(str, base))


# Which plans a generated customer may have, by the technologies of its zone.
_PLAN_CHOICES = [
    # plan, products (included + chosen optional), needs technologies, business only
    ("FIBRA-300", ("NET-FIBRA-300",), {"ftth"}, False),
    ("FIBRA-300", ("NET-FIBRA-300", "VOD-PLAY"), {"ftth", "iptv_ott"}, False),
    ("COMBO-FIBRA-TV", ("NET-FIBRA-600", "TV-IPTV", "VOD-PLAY"), {"ftth", "iptv_ott"}, False),
    (
        "COMBO-FIBRA-TV",
        ("NET-FIBRA-600", "TV-IPTV", "VOD-PLAY", "VOD-PREMIUM"),
        {"ftth", "iptv_ott"},
        False,
    ),
    ("TV-CABO-COMPLETA", ("TV-COMPLETA-HFC", "FONE-BRASIL"), {"hfc"}, False),
    ("TV-CABO-COMPLETA", ("TV-COMPLETA-HFC", "FONE-BRASIL", "TV-FILMES"), {"hfc"}, False),
    ("RURAL-RADIO", ("NET-RADIO-30",), {"wireless"}, False),
    ("ADSL-15", ("NET-ADSL-15",), {"xdsl"}, False),
    ("EMPRESA-1G", ("NET-FIBRA-1G", "FONE-LOCAL"), {"ftth"}, True),
]


def customers_csv(*, region: str, count: int, plans: set[str], seed: int = 20261203) -> bytes:
    """A migration file (the import's layout) of ``count`` customers in the region's zones,
    with products of the ``plans`` (codes) the company has."""
    from tenant_apps.imports.layout import COLUMN_NAMES

    rng = random.Random(f"{seed}-{region}")
    zones = [(c, s, z, set(t)) for c, s, _code, zs in REGIONS[region] for z, t in zs]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    today = dt.date(2026, 11, 30)
    used_tax_ids: set[str] = set()
    for n in range(1, count + 1):
        business = n % 12 == 0
        while True:
            tax_id = _cnpj(rng) if business else _cpf(rng)
            if tax_id not in used_tax_ids:
                used_tax_ids.add(tax_id)
                break
        if business:
            name = f"{BUSINESSES[n // 12 % len(BUSINESSES)]} {rng.choice(LAST)} Ltda."
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        city, state, zone, techs = rng.choice(zones)
        options = [p for p in _PLAN_CHOICES if p[0] in plans and p[2] <= techs and p[3] == business]
        if not options:  # DTH-only zones: prepaid satellite TV is offered as a migration too
            options = [("PRE-TV-SAT", ("TV-DTH",), {"dth"}, business)]
        plan, products, _t, _b = rng.choice(options)
        pending = n % 17 == 0
        activated = today - dt.timedelta(days=rng.randint(20, 900))
        balance = ""
        due = ""
        if n % 9 == 0:  # some arrive owing money (the old system's open invoices)
            balance = f"{rng.choice([45, 89, 129, 260, 410])}.{rng.choice(['00', '90'])}"
            due = (today - dt.timedelta(days=rng.choice([5, 20, 45, 75, 120]))).isoformat()
        area = rng.choice(["51", "54", "91"])
        phone = f"({area}) 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        email = f"cliente{n}@exemplo.com.br" if n % 3 else ""
        for product in products:
            writer.writerow(
                [
                    f"LEGADO-{region.upper()}-{n:05d}",
                    "business" if business else "person",
                    name,
                    name.split(" Ltda.")[0] if business else "",
                    tax_id,
                    "business" if business else "residential",
                    phone,
                    email,
                    city,
                    state,
                    zone,
                    rng.choice(STREETS) if product == products[0] else "",
                    str(rng.randint(10, 4000)),
                    rng.choice(["", "", "ap 101", "ap 302", "casa 2", "sala 5"]),
                    f"9{rng.randint(0, 9999):04d}-{rng.randint(0, 999):03d}",
                    plan,
                    product,
                    "pending" if pending else "active",
                    "" if pending else activated.isoformat(),
                    "",
                    balance,
                    due,
                ]
            )
    # Rows of one address must repeat the address: fill the blanks from the first row.
    return _repeat_addresses(out.getvalue()).encode()


def _repeat_addresses(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    ref, street = header.index("external_ref"), header.index("street")
    fields = [header.index(c) for c in ("street", "number", "complement", "postal_code")]
    last: dict[str, list[str]] = {}
    for row in rows[1:]:
        if row[street]:
            last[row[ref]] = [row[i] for i in fields]
        else:
            for i, value in zip(fields, last[row[ref]], strict=True):
                row[i] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- Seeding ---------------------------------------------------------------------------------


def seed_commercial(*, actor: Actor, region: str, customers: int = 300) -> list[str]:
    """Seed the current company; returns what was created (empty when all was in place)."""
    made: list[str] = []
    with transaction.atomic():
        _catalog(actor, made)
        zones = _coverage(actor, region, made)
        plans = _plans(actor, region, zones, made)
    _customers(actor, region, customers, made)
    with transaction.atomic():
        _group(actor, region, zones, plans, made)
    return made


def _catalog(actor: Actor, made: list[str]) -> None:
    from tenant_apps.catalog.models import DeviceModel, Product
    from tenant_apps.catalog.services import device_model_create, product_create

    existing = set(DeviceModel.objects.values_list("code", flat=True))
    for code, kind, vendor, model, serialised in DEVICE_MODELS:
        if code not in existing:
            device_model_create(
                actor=actor,
                data={
                    "code": code,
                    "kind": kind,
                    "vendor": vendor,
                    "model": model,
                    "serialised": serialised,
                },
            )
            made.append(f"device model {code}")
    devices = {d.code: d for d in DeviceModel.objects.all()}
    existing = set(Product.objects.values_list("code", flat=True))
    for spec in PRODUCTS:
        if spec.code in existing:
            continue
        product_create(
            actor=actor,
            data={
                "code": spec.code,
                "name": spec.name,
                "system": spec.system,
                "role": spec.role,
                "technology": spec.technology,
                "monthly_price": Decimal(spec.monthly),
                "daily_cost": Decimal(spec.daily),
                "provisioning": spec.provisioning,
                "devices": [
                    {"device_model": devices[code], "quantity": qty} for code, qty in spec.devices
                ],
            },
        )
        made.append(f"product {spec.code}")


def _coverage(actor: Actor, region: str, made: list[str]) -> dict:
    from tenant_apps.locations.models import City, Zone
    from tenant_apps.locations.services import city_create, zone_create

    zones = {}
    for name, state, code, zone_specs in REGIONS[region]:
        city = City.objects.filter(name=name, state=state).first()
        if city is None:
            city = city_create(actor=actor, data={"name": name, "state": state, "code": code})
            made.append(f"city {name}")
        for zone_name, technologies in zone_specs:
            zone = Zone.objects.filter(city=city, name=zone_name).first()
            if zone is None:
                zone = zone_create(
                    actor=actor,
                    data={"city": city, "name": zone_name, "technologies": technologies},
                )
                made.append(f"zone {zone_name}")
            zones[(name, zone_name)] = zone
    return zones


def _plans(actor: Actor, region: str, zones: dict, made: list[str]) -> dict:
    from tenant_apps.catalog.models import Product
    from tenant_apps.locations.models import City
    from tenant_apps.sales.models import SalesPlan
    from tenant_apps.sales.services.plans import plan_create, plan_item_add, plan_promotion_add

    products = {p.code: p for p in Product.objects.all()}
    plans = {}
    for spec in PLANS:
        plan = SalesPlan.objects.filter(code=spec.code).first()
        if plan is None:
            cities = list(City.objects.filter(name__in=spec.cities))
            if spec.cities and not cities:  # the region has none of the plan's cities
                continue
            plan = plan_create(
                actor=actor,
                data={
                    "code": spec.code,
                    "name": spec.name,
                    "kind": spec.kind,
                    "valid_from": spec.valid_from,
                    "valid_until": spec.valid_until,
                    "customer_types": list(spec.customer_types),
                    "cities": cities,
                    "zones": [],
                    "max_debt": Decimal(spec.max_debt) if spec.max_debt else None,
                    "max_overdue_days": spec.max_overdue_days,
                    "installation_fee": Decimal(spec.installation_fee),
                    "free_installation": spec.free_installation,
                    "min_recharge": Decimal(spec.min_recharge) if spec.min_recharge else None,
                    "is_active": True,
                },
            )
            items = {}
            for code, price, included in spec.items:
                items[code] = plan_item_add(
                    actor=actor,
                    plan=plan,
                    product=products[code],
                    price=Decimal(price) if price is not None else None,
                    included=included,
                )
            for code, name, kind, value, months in spec.promotions:
                plan_promotion_add(
                    actor=actor,
                    plan=plan,
                    item=items[code],
                    name=name,
                    discount_kind=kind,
                    value=Decimal(value),
                    months=months,
                )
            made.append(f"plan {spec.code}")
        plans[spec.code] = plan
    return plans


def _customers(actor: Actor, region: str, count: int, made: list[str]) -> None:
    from tenant_apps.imports.models import ImportJob
    from tenant_apps.imports.services import customer_import_enqueue, customer_import_run
    from tenant_apps.sales.models import SalesPlan

    plans = set(SalesPlan.objects.values_list("code", flat=True))
    content = customers_csv(region=region, count=count, plans=plans)
    checksum = hashlib.sha256(content).hexdigest()
    if ImportJob.objects.filter(checksum=checksum, status="done").exists():
        return
    job = customer_import_enqueue(
        actor=actor, file_name=f"demo-{region}-clientes.csv", content=content
    )
    job = customer_import_run(job_id=job.pk)  # eager: the demo is ready when bin/run serves
    if job.status != "done":
        raise RuntimeError(f"demo import failed: {job.message} {job.errors[:5]}")
    made.append(f"{count} customers (import job {job.pk})")


def _group(actor: Actor, region: str, zones: dict, plans: dict, made: list[str]) -> None:
    """A building consortium whose plan bills the TV to the group and the Internet to each
    flat; three flats bought it, two are installed (since before the closed cycles)."""
    from tenant_apps.billing.cycles import cycle_just_closed
    from tenant_apps.customers.models import Customer, Group
    from tenant_apps.customers.services import address_add, group_create
    from tenant_apps.parameters.selectors import company_parameters, company_today
    from tenant_apps.sales.models import GroupPlan, PlanItem, Sale, Subscription
    from tenant_apps.sales.services.plans import group_plan_create
    from tenant_apps.sales.services.selling import sale_create, subscription_activate

    if "CONDOMINIO" not in plans or Group.objects.filter(name=GROUP_NAME).exists():
        return
    zone = next(z for z in zones.values() if "ftth" in z.technologies and "hfc" in z.technologies)
    group = group_create(actor=actor, name=GROUP_NAME, kind="consortium", tax_id=GROUP_TAX_ID)
    plan = plans["CONDOMINIO"]
    tv_item = PlanItem.objects.get(plan=plan, product__code="TV-ESSENCIAL-HFC")
    if not GroupPlan.objects.filter(group=group).exists():
        group_plan_create(actor=actor, group=group, plan=plan, group_items=[tv_item])
    params = company_parameters()
    today = company_today(params.time_zone)
    installed_on = cycle_just_closed(today, params.billing_day).previous().start - dt.timedelta(
        days=10
    )
    installed_at = dt.datetime.combine(
        installed_on, dt.time(10), tzinfo=zoneinfo.ZoneInfo(params.time_zone)
    )
    rng = random.Random(f"group-{region}")
    for flat in (101, 102, 201):
        customer = Customer.objects.filter(external_ref=f"CONDO-{region}-{flat}").first()
        if customer is None:
            customer = _person(
                actor, rng, f"CONDO-{region}-{flat}", f"(51) 98{flat:03d}-{flat * 7:04d}"
            )
        address = address_add(
            actor=actor,
            customer=customer,
            zone=zone,
            street="Travessa das Acácias",
            number="500",
            complement=f"ap {flat}",
            group=group,
        )
        sale = sale_create(
            actor=actor,
            customer=customer,
            address=address,
            plan=plan,
            idempotency_key=f"demo-condo-{region}-{flat}",
        )
        if flat in (101, 102):
            # Demo history: these flats bought and installed the plan before the two closed
            # cycles the billing demo bills, so the group's cycle invoices carry a TV line per
            # member (S3). The selling service dates a sale now; the seed moves it back, as
            # the migration import brings old contracts.
            Sale.objects.filter(pk=sale.pk).update(at=installed_at)
            for sub in Subscription.objects.filter(sale=sale, status="pending"):
                subscription_activate(actor=actor, subscription=sub, on=installed_on, today=today)
    made.append(f"group {GROUP_NAME} with 3 members")


# --- Billing and collections (issue 4) -------------------------------------------------------

# Brazilian telecom taxes are "por dentro": included in the price.
DEMO_TAX_RATES = [
    # system, name, rate (%), mode, position
    (TV, "ICMS", "10.00", "included", 1),
    (TV, "PIS/COFINS", "3.65", "included", 2),
    (INTERNET, "ICMS", "25.00", "included", 1),
    (INTERNET, "PIS/COFINS", "3.65", "included", 2),
    (PHONE, "ICMS", "25.00", "included", 1),
    (PHONE, "PIS/COFINS", "3.65", "included", 2),
    (VOD, "ISS", "5.00", "included", 1),
]
# How the demo's customers pay, in turn (the cycles' invoices, oldest first).
DEMO_ORIGINS = ["bank_slip", "pix", "direct_debit", "bank_slip", "cash_desk", "pix", "card"]
EARLY_PAYERS = 10  # customers who pay the last cycle's invoice before it is due
DEMO_PDFS = 3  # invoices of the last cycle rendered now (the others render on demand)
PREPAID_REF = "PRE-{region}-DEMO"


def seed_billing(*, actor: Actor, region: str) -> list[str]:
    """The billing demo of the current company, through the billing, collections and prepaid
    services: tax rates; the last two closed cycles billed (runs started and finished eagerly,
    issued the day each cycle closed) with a few PDFs; payments of several origins (most of
    the older cycle, some of the last one early; a few left unpaid); one customer suspended for
    the debt; a one-off invoice of the consortium (group); and a prepaid customer with two
    recharges. Dates are relative to the company's today, so the cycles are always closed.
    Idempotent: runs done, payments and recharges by key, PDFs once, the suspension once."""
    from tenant_apps.billing.cycles import cycle_just_closed
    from tenant_apps.parameters.selectors import company_parameters, company_today

    made: list[str] = []
    params = company_parameters()
    today = company_today(params.time_zone)
    last = cycle_just_closed(today, params.billing_day)
    with transaction.atomic():
        _tax_rates(actor, made)
    # The demo renders a few PDFs itself (``_pdfs``); the others are rendered on demand when
    # opened, instead of hundreds at seed time (the runs' own PDF step is left out here).
    with override_settings(BILLING_RENDER_PDFS_AFTER_RUN=False):
        older = _billing_run(actor, last.previous(), made)
        latest = _billing_run(actor, last, made)
    _pdfs(latest, made)
    _demo_payments(actor, older, latest, today, made)
    _suspended_for_debt(actor, older, today, made)
    _group_invoice_pdf(latest, made)
    _prepaid_customer(actor, region, today, made)
    return made


def _tax_rates(actor: Actor, made: list[str]) -> None:
    from tenant_apps.billing.models import TaxRate
    from tenant_apps.billing.services.invoices import tax_rate_create

    existing = set(TaxRate.objects.values_list("system", "name"))
    for system, name, rate, mode, position in DEMO_TAX_RATES:
        if (system, name) not in existing:
            tax_rate_create(
                actor=actor,
                data={
                    "system": system,
                    "name": name,
                    "rate": Decimal(rate),
                    "mode": mode,
                    "position": position,
                },
            )
            made.append(f"tax rate {system} {name}")


def _billing_run(actor: Actor, cycle, made: list[str]):
    """The cycle's run, started (its chunks and finalize run eagerly: the caller has Celery
    eager) and issued on the day the cycle closed; a run done is returned as is."""
    from tenant_apps.billing.choices import RunStatus
    from tenant_apps.billing.models import BillingRun
    from tenant_apps.billing.services.runs import (
        billing_chunk_run,
        billing_run_finalize,
        billing_run_start,
    )

    run = BillingRun.objects.filter(cycle_start=cycle.start).first()
    if run is not None and run.status == RunStatus.DONE:
        return run
    run = billing_run_start(actor=actor, cycle_start=cycle.start, issued_on=cycle.end)
    # The tasks run eagerly once committed; inside a caller's transaction (the tests) they
    # wait for a commit, so the chunks and finalize are run here too (each does nothing when
    # done already).
    for index in run.chunks.filter(status="pending").values_list("index", flat=True):
        billing_chunk_run(run_id=run.pk, index=index)
    billing_run_finalize(run_id=run.pk)
    run.refresh_from_db()
    if run.status != RunStatus.DONE:
        raise RuntimeError(f"demo billing run {run} did not finish: {run.status} {run.error}")
    made.append(f"billing run {cycle.start.isoformat()} ({run.invoices_count} invoices)")
    return run


def _pdfs(run, made: list[str]) -> None:
    from tenant_apps.billing.pdf import invoice_pdf_store

    missing = DEMO_PDFS - run.invoices.exclude(pdf="").count()
    if missing <= 0:
        return
    for invoice in run.invoices.filter(pdf="").exclude(status="draft").order_by("id")[:missing]:
        invoice_pdf_store(invoice=invoice)
        made.append(f"PDF of invoice {invoice.number}")


def _unpaid(i: int) -> bool:
    """The older cycle's invoices left unpaid (one in 25)."""
    return i % 25 == 7


def _demo_payments(actor: Actor, older, latest, today: dt.date, made: list[str]) -> None:
    """Customers pay the older cycle's invoices in full before or on the due date (by turns of
    origin), one in 30 only half of it, one in 25 not at all; ``EARLY_PAYERS`` pay the last
    cycle's invoice early (each payment costs some 40 statements: the demo keeps their number
    near one per customer). Payments are keyed by invoice: a second run receives nothing."""
    from tenant_apps.billing.rating import quantize
    from tenant_apps.collections.models import Payment
    from tenant_apps.collections.services import payment_receive

    done = set(
        Payment.objects.filter(idempotency_key__startswith="demo-pay:").values_list(
            "idempotency_key", flat=True
        )
    )
    count = 0
    plan = []
    for i, invoice in enumerate(older.invoices.filter(customer__isnull=False).order_by("id")):
        if not _unpaid(i):
            amount = quantize(invoice.total / 2) if i % 30 == 11 else invoice.total
            day = min(invoice.due_on - dt.timedelta(days=i % 6), today)
            plan.append((invoice, amount, DEMO_ORIGINS[i % len(DEMO_ORIGINS)], day))
    early = latest.invoices.filter(customer__isnull=False).order_by("id")[: EARLY_PAYERS * 3]
    for i, invoice in enumerate(early):
        if i % 3 == 0:
            day = min(invoice.issued_on + dt.timedelta(days=i % 4), today)
            plan.append((invoice, invoice.total, DEMO_ORIGINS[(i + 1) % 3], day))
    for invoice, amount, origin, day in plan:
        key = f"demo-pay:{invoice.number}"
        if key in done or amount <= 0:
            continue
        payment_receive(
            actor=actor,
            amount=amount,
            origin=origin,
            received_on=day,
            idempotency_key=key,
            invoice=invoice,
            reference=invoice.number,
        )
        count += 1
    if count:
        made.append(f"{count} payments")


def _suspended_for_debt(actor: Actor, older, today: dt.date, made: list[str]) -> None:
    """The first customer who left the older cycle's invoice unpaid and has active postpaid
    services is suspended for the debt (the daily dunning job does the same for everyone)."""
    from tenant_apps.collections.models import DunningEvent
    from tenant_apps.collections.services import dunning_refresh
    from tenant_apps.sales.models import Subscription

    if DunningEvent.objects.filter(kind="suspend").exists():
        return
    invoices = older.invoices.filter(customer__isnull=False).order_by("id")
    for i, invoice in enumerate(invoices):
        if not _unpaid(i) or invoice.open_amount <= 0:
            continue
        live = Subscription.objects.filter(
            customer_id=invoice.customer_id,
            status="active",
            prepaid=False,
            billed_to_group__isnull=True,
        )
        if not live.exists():
            continue
        event = dunning_refresh(actor=actor, customer=invoice.customer, today=today)
        if event is not None and event.kind == "suspend":
            made.append(f"customer {invoice.customer.code} suspended for debt")
            return


def _group_invoice_pdf(run, made: list[str]) -> None:
    """The consortium's invoice of the last cycle (a TV line per member) gets its PDF now."""
    from tenant_apps.billing.pdf import invoice_pdf_store

    invoice = run.invoices.filter(group__isnull=False, pdf="").exclude(status="draft").first()
    if invoice is not None:
        invoice_pdf_store(invoice=invoice)
        made.append(f"PDF of group invoice {invoice.number}")


def _prepaid_customer(actor: Actor, region: str, today: dt.date, made: list[str]) -> None:
    """A prepaid satellite TV customer: sold and activated today, then two recharges (the
    first turns the service on and pays today)."""
    from tenant_apps.customers.models import Address, Customer
    from tenant_apps.customers.services import address_add
    from tenant_apps.locations.models import Zone
    from tenant_apps.prepaid.services import recharge
    from tenant_apps.sales.models import SalesPlan, Subscription
    from tenant_apps.sales.services.selling import sale_create, subscription_activate

    plan = SalesPlan.objects.filter(code="PRE-TV-SAT").first()
    zone = Zone.objects.filter(technologies__contains=["dth"]).order_by("id").first()
    if plan is None or zone is None:
        return
    ref = PREPAID_REF.format(region=region.upper())
    customer = Customer.objects.filter(external_ref=ref).first()
    if customer is None:
        rng = random.Random(ref)
        customer = _person(actor, rng, ref, "(51) 99321-4455")
        made.append(f"prepaid customer {customer.code}")
    address = Address.objects.filter(customer=customer).first() or address_add(
        actor=actor, customer=customer, zone=zone, street="Estrada do Lami", number="4100"
    )
    sale = sale_create(
        actor=actor,
        customer=customer,
        address=address,
        plan=plan,
        idempotency_key=f"demo-prepaid-{region}",
    )
    for sub in Subscription.objects.filter(sale=sale, status="pending"):
        subscription_activate(actor=actor, subscription=sub, on=today)
    for n, (amount, origin) in enumerate([("50.00", "pix"), ("30.00", "cash_desk")], start=1):
        result = recharge(
            actor=actor,
            customer=customer,
            amount=Decimal(amount),
            origin=origin,
            received_on=today,
            idempotency_key=f"demo-recharge-{region}-{n}",
        )
        if not result.replayed:
            made.append(f"recharge {amount} for {customer.code}")
