"""Customer search with 1,000,000 customers in one company (issue 3): p50/p95 of
``tenant_apps.customers.selectors.customer_search`` for name-prefix, document (CPF) and phone
queries.

The data: synthetic Brazilian customers (names with accents, valid CPFs, mobiles, e-mails,
addresses in six cities), deterministic, written with COPY into company bench-001 of the
benchmark database (``generate_dataset``; once, ~10 min on 2 cores, reused afterwards; also the
data of customer_overview.py). ``search_name``/``search_text`` are filled exactly as
``customers.services`` fills them. The generators here are also used by customer_import.py.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_customers \
        .venv/bin/python -m benchmarks.customer_search [--customers 1000000] [--queries 300]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_customers")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

from . import common


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST = _split(
    "Ana Maria João José Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel "
    "Rafael Daniel Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus André Fernando "
    "Fábio Leonardo Gustavo Guilherme Leandro Tiago Anderson Ricardo Márcio Jorge Sebastião "
    "Alexandre Roberto Edson Diego Vitor Sérgio Cláudio Matheus Thiago Geraldo Adriano Luciano "
    "Júlio Renato Alex Vinícius Rogério Samuel Ronaldo Mário Flávio Igor Douglas Davi Manuel "
    "Jeferson Cícero Victor Miguel Robson Maria Francisca Antônia Adriana Juliana Márcia "
    "Fernanda Patrícia Aline Sandra Camila Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa "
    "Mariana Gabriela Vera Vitória Larissa Cláudia Beatriz Rita Luana Sônia Renata Eliane "
    "Josefa Simone Natália Cristiane Carla Débora Rosângela Jaqueline Rosa Daniela Aparecida "
    "Marlene Terezinha Raimunda Andréia Fabiana Lúcia Raquel Ângela Rafaela Joana Luzia Elaine "
    "Conceição Helena Heloísa Valentina Alice Laura Lorena Manuela Sophia Isabela"
)
LAST = _split(
    "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
    "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento "
    "Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Santana "
    "Teixeira Araújo Pinto Moura Correia Cavalcanti Monteiro Campos Jesus Batista Reis Borges "
    "Castro Miranda Azevedo Coelho Farias Cunha Melo Brito Peixoto Sales Xavier Tavares Rezende "
    "Fonseca Bezerra Macedo Medeiros Figueiredo Queiroz Siqueira Assunção Magalhães Guimarães "
    "Brandão Falcão Leão Conceição Damasceno Quintana Valadares Aragão Bragança Sampaio"
)
STREETS = _split(
    (
        "Rua dos Andradas|Avenida Ipiranga|Rua da Praia|Avenida Brasil|Rua Sete de Setembro|"
        "Rua XV de Novembro|Avenida Getúlio Vargas|Rua Tiradentes|Rua Marechal Deodoro|"
        "Avenida Presidente Vargas|Rua Duque de Caxias|Rua Voluntários da Pátria|"
        "Avenida Independência|Rua Bento Gonçalves|Rua São João|Rua das Flores|Rua do Comércio|"
        "Avenida Santos Dumont|Rua Barão do Rio Branco|Travessa da Conceição|Rua Padre Anchieta|"
        "Avenida das Nações|Rua Dom Pedro II|Rua José Bonifácio|Rua Rui Barbosa"
    ),
    "|",
)
CITIES = [
    ("Porto Alegre", "RS", ["Centro Histórico", "Moinhos de Vento", "Petrópolis", "Menino Deus",
                            "Cidade Baixa", "Bom Fim", "Partenon", "Sarandi", "Restinga"]),
    ("Canoas", "RS", ["Centro", "Niterói", "Mathias Velho", "Harmonia", "Igara"]),
    ("Florianópolis", "SC", ["Centro", "Trindade", "Lagoa da Conceição", "Ingleses", "Coqueiros"]),
    ("Curitiba", "PR", ["Centro", "Batel", "Água Verde", "Boqueirão", "Portão", "Cajuru"]),
    ("São Paulo", "SP", ["Sé", "Pinheiros", "Mooca", "Tatuapé", "Santana", "Itaquera",
                         "Vila Mariana", "Butantã"]),
    ("Belo Horizonte", "MG", ["Centro", "Savassi", "Pampulha", "Barreiro", "Venda Nova"]),
]  # fmt: skip
AREA = {"RS": "51", "SC": "48", "PR": "41", "SP": "11", "MG": "31"}
MAILS = ("gmail.com", "hotmail.com", "yahoo.com.br", "outlook.com", "uol.com.br", "terra.com.br")


def cpf_from(base: int) -> str:
    """The valid CPF whose first nine digits are ``base`` (0 <= base < 10**9)."""
    digits = [int(d) for d in f"{base:09d}"]
    for start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(start, 1, -1), strict=False))
        check = (total * 10) % 11
        digits.append(0 if check == 10 else check)
    return "".join(map(str, digits))


def cnpj_from(base: int) -> str:
    """The valid CNPJ whose first twelve digits are ``base`` (8-digit root + 0001)."""
    digits = [int(d) for d in f"{base % 100_000_000:08d}0001"]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        total = sum(d * w for d, w in zip(digits, weights, strict=False))
        check = total % 11
        digits.append(0 if check < 2 else 11 - check)
    return "".join(map(str, digits))


def format_cpf(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


def cpf_base(i: int, salt: int = 0) -> int:
    """Distinct bases for distinct i (a bijection of 0..10**9-1 when salt is fixed)."""
    return (i * 7_919 + 104_729 + salt * 1_000_003) % 1_000_000_000


def cpf_for(i: int, salt: int = 0) -> str:
    """The i-th CPF of a series (never all digits equal, which is not a valid CPF)."""
    cpf = cpf_from(cpf_base(i, salt))
    return cpf if len(set(cpf)) > 1 else cpf_from((cpf_base(i, salt) + 500_000_000) % 10**9)


class People:
    """A deterministic stream of people: name, CPF, mobile, e-mail, address."""

    def __init__(self, seed: int = 42):
        self.rnd = random.Random(seed)

    def name(self) -> str:
        r = self.rnd
        parts = [r.choice(FIRST)]
        if r.random() < 0.45:
            parts.append(r.choice(FIRST))
        parts.append(r.choice(LAST))
        if r.random() < 0.7:
            parts.append(r.choice(LAST))
        return " ".join(parts)

    def mobile(self, state: str) -> str:
        n = self.rnd.randrange(10_000_000, 100_000_000)
        return f"({AREA[state]}) 9{n // 10_000:04d}-{n % 10_000:04d}"

    def email(self, name: str, i: int) -> str:
        from tenant_apps.customers.normalize import fold

        first, *rest = fold(name).replace("'", "").split(" ")
        return f"{first}.{rest[-1] if rest else 'x'}{i}@{self.rnd.choice(MAILS)}"

    def place(self) -> tuple[str, str, str, str, str]:
        """(city, state, zone, street, number)."""
        city, state, zones = self.rnd.choice(CITIES)
        return (
            city,
            state,
            self.rnd.choice(zones),
            self.rnd.choice(STREETS),
            str(self.rnd.randrange(1, 5000)),
        )


def ensure_catalog() -> dict:
    """Cities and zones (all technologies), products NET-300 (main), WIFI-PLUS (additional),
    TV-HD (main), and plan COMBO with all three and a 3-month 50 % promotion on NET-300."""
    from tenant_apps.catalog.models import Product
    from tenant_apps.locations.models import City, Zone
    from tenant_apps.sales.models import PlanItem, PlanPromotion, SalesPlan

    techs = ["ftth", "hfc", "dth", "xdsl", "wireless", "iptv_ott"]
    for name, state, zones in CITIES:
        city, _ = City.objects.get_or_create(name=name, state=state)
        for zone in zones:
            Zone.objects.get_or_create(city=city, name=zone, defaults={"technologies": techs})
    products = {}
    for code, name, system, role, tech, price in [
        ("NET-300", "Fibra 300 Mega", "internet", "main", "ftth", "99.90"),
        ("WIFI-PLUS", "Wi-Fi Plus", "internet", "additional", "ftth", "15.00"),
        ("TV-HD", "TV HD", "tv", "main", "hfc", "79.90"),
    ]:
        products[code], _ = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "system": system,
                "role": role,
                "technology": tech,
                "monthly_price": Decimal(price),
                "daily_cost": Decimal("3.3300"),
            },
        )
    import datetime as dt

    plan, _ = SalesPlan.objects.get_or_create(
        code="COMBO", defaults={"name": "Combo", "valid_from": dt.date(2020, 1, 1)}
    )
    items = {}
    for code, product in products.items():
        items[code], _ = PlanItem.objects.get_or_create(plan=plan, product=product)
    if not PlanPromotion.objects.filter(plan=plan).exists():
        PlanPromotion.objects.create(
            plan=plan,
            item=items["NET-300"],
            name="Boas-vindas",
            discount_kind="percent",
            value=Decimal("50.00"),
            months=3,
        )
    return {"plan": plan, "products": products, "items": items}


# --- the 1,000,000-customer company (COPY) -------------------------------------------------------

DATASET_COMPANY = 1  # bench-001
CHUNK = 50_000


def _copy(cursor, model, names: list[str], rows) -> None:
    columns = ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _models():
    from shared_apps.audit.models import AuditEvent
    from tenant_apps.customers.models import Address, Contact, ContactRecord, Customer
    from tenant_apps.ledger.models import Account, Entry
    from tenant_apps.sales.models import Sale, ServiceRequest, Subscription, SubscriptionPromotion

    through = ServiceRequest.subscriptions.through
    return [
        Customer, Contact, Address, Account, Entry, Sale, Subscription, SubscriptionPromotion,
        ServiceRequest, through, ContactRecord, AuditEvent,
    ]  # fmt: skip


def dataset_size() -> int:
    from tenant_apps.customers.models import Customer

    return Customer.objects.count()


def generate_dataset(n: int, *, say=print) -> dict[str, float]:
    """Write ``n`` customers into the current company with COPY, as the services would have
    written them (search_name = fold(name), search_text built like customers.services'
    search_refresh); each with a mobile (95 %), an e-mail (40 %), one address, an account, one
    contract with 1-3 products (NET-300 always, TV-HD or WIFI-PLUS), promotions, opening
    balances (20 %), contact records (10 %), open installation requests for pending products,
    and one history event for every fifth customer. Secondary indexes are dropped during the
    load and rebuilt after; foreign keys are not checked during the load (session_replication_role
    = replica: the generator writes consistent ids); then ANALYZE."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from tenant_apps.customers.normalize import address_line, fold, search_text
    from tenant_apps.customers.status import derive_status
    from tenant_apps.locations.models import Zone
    from tenant_apps.parameters.services import series_take

    catalog = ensure_catalog()
    items, products, plan = catalog["items"], catalog["products"], catalog["plan"]
    promo = plan.promotions.first()
    zones = {(z.city.name, z.name): z for z in Zone.objects.select_related("city")}
    models = _models()
    (Customer, Contact, Address, Account, Entry, Sale, Subscription, SubscriptionPromotion,
     ServiceRequest, Through, ContactRecord, AuditEvent) = models  # fmt: skip
    tables = [m._meta.db_table for m in models]
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL session_replication_role = replica")
    codes = series_take(kind="customer", count=n)
    contract_numbers = series_take(kind="contract", count=n)
    people = People(2026)
    rnd = people.rnd
    now = timezone.now()
    ids = {"contact": 0, "sub": 0, "promo": 0, "entry": 0, "request": 0, "record": 0}
    t_gen = t_copy = 0.0
    for start in range(0, n, CHUNK):
        t0 = time.perf_counter()
        rows = {m: [] for m in models}
        for i in range(start, min(n, start + CHUNK)):
            cid = i + 1
            name = people.name()
            cpf = cpf_for(i, salt=11)
            city, state, zone_name, street, number = people.place()
            zone = zones[(city, zone_name)]
            contacts = []
            if rnd.random() < 0.95:
                contacts.append(("mobile", people.mobile(state)))
            if rnd.random() < 0.4:
                contacts.append(("email", people.email(name, i)))
            normalized = []
            for j, (kind, value) in enumerate(contacts):
                norm = value.casefold() if kind == "email" else "".join(filter(str.isdigit, value))
                normalized.append(norm)
                ids["contact"] += 1
                rows[Contact].append((ids["contact"], cid, kind, value, norm, j == 0, ""))
            # Contact ordering: primary first, then kind ("email" < "mobile")
            ordered = [normalized[0], *sorted(normalized[1:])] if normalized else []
            complement = f"ap {rnd.randrange(101, 1500)}" if rnd.random() < 0.3 else ""
            postal = f"{rnd.randrange(10000, 99999)}-{rnd.randrange(0, 999):03d}"
            line = address_line(street=street, number=number, complement=complement,
                                postal_code=postal, zone=zone.name, city=city)  # fmt: skip
            r = rnd.random()
            chosen = ["NET-300"] + (["TV-HD"] if r < 0.3 else ["WIFI-PLUS"] if r < 0.45 else [])
            if r < 0.05:
                chosen.append("WIFI-PLUS")
            status = "active" if rnd.random() < 0.85 else "pending"
            activated = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(0, 2500))
            activated_on = activated if status == "active" else None
            code = codes[i]
            rows[Customer].append(
                (
                    cid, code, "person", name, "", cpf, "BR", "residential",
                    derive_status([status]), "", "", fold(name)[:150],
                    search_text(name=name, tax_id=cpf, code=code, contacts=ordered,
                                addresses=[line]),
                    now, now,
                )
            )  # fmt: skip
            rows[Address].append((cid, cid, zone.pk, street, number, complement, postal, True, now))
            rows[Account].append((cid, cid, now))
            rows[Sale].append(
                (cid, contract_numbers[i], "new", cid, cid, plan.pk, now, None, "bench", None, 0)
            )
            main_id = None
            sub_ids = []
            for code_p in chosen:
                ids["sub"] += 1
                sid = ids["sub"]
                sub_ids.append(sid)
                item = items[code_p]
                is_main = products[code_p].role == "main"
                rows[Subscription].append(
                    (
                        sid, cid, cid, cid, plan.pk, item.pk, products[code_p].pk,
                        None if is_main else main_id, status, False,
                        products[code_p].monthly_price, products[code_p].daily_cost,
                        activated_on, "", "", now,
                    )
                )  # fmt: skip
                if code_p == "NET-300":
                    main_id = sid
                    if promo is not None and rnd.random() < 0.3:
                        ids["promo"] += 1
                        ends = None
                        if activated_on:
                            month = activated_on.month - 1 + promo.months
                            ends = activated_on.replace(
                                year=activated_on.year + month // 12, month=month % 12 + 1, day=1
                            )
                        rows[SubscriptionPromotion].append(
                            (ids["promo"], sid, promo.pk, promo.name, promo.discount_kind,
                             promo.value, promo.months, activated_on, ends)
                        )  # fmt: skip
            if status == "pending":
                ids["request"] += 1
                rows[ServiceRequest].append(
                    (ids["request"], "installation", "open", cid, cid, cid, "", now, "bench")
                )
                for sid in sub_ids:
                    rows[Through].append((ids["request"], sid))
            if rnd.random() < 0.2:
                ids["entry"] += 1
                amount = rnd.randrange(1000, 40000) / 100
                rows[Entry].append(
                    (ids["entry"], cid, "opening", amount, "Saldo migrado", now,
                     dt.date(2026, 11, 10), f"bench:opening:{cid}", "bench")
                )  # fmt: skip
            if rnd.random() < 0.1:
                for _k in range(rnd.randrange(1, 4)):
                    ids["record"] += 1
                    rows[ContactRecord].append(
                        (ids["record"], cid, now, "phone", "bench", "Dúvida sobre a fatura",
                         "Explicado o valor da fatura.", "")
                    )  # fmt: skip
            if i % 5 == 0:
                rows[AuditEvent].append(
                    (now, "bench", "", "customers.create", "customers.customer", str(cid),
                     name[:200], "{}")
                )  # fmt: skip
        t_gen += time.perf_counter() - t0
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            _copy(cursor, Customer, [
                "id", "code", "kind", "name", "trade_name", "tax_id", "tax_id_country",
                "customer_type", "status", "external_ref", "notes", "search_name",
                "search_text", "created_at", "updated_at"], rows[Customer])  # fmt: skip
            _copy(cursor, Contact, ["id", "customer", "kind", "value", "normalized",
                                    "is_primary", "name"], rows[Contact])  # fmt: skip
            _copy(cursor, Address, ["id", "customer", "zone", "street", "number", "complement",
                                    "postal_code", "is_active", "created_at"],
                  rows[Address])  # fmt: skip
            _copy(cursor, Account, ["id", "customer", "created_at"], rows[Account])
            _copy(cursor, Sale, ["id", "number", "kind", "customer", "address", "plan", "at",
                                 "seller_user_id", "seller_label", "branch_id",
                                 "installation_fee"], rows[Sale])  # fmt: skip
            _copy(cursor, Subscription, [
                "id", "customer", "address", "sale", "plan", "plan_item", "product", "main",
                "status", "prepaid", "price", "daily_cost", "activated_on", "cancel_reason",
                "cancel_note", "created_at"], rows[Subscription])  # fmt: skip
            _copy(cursor, SubscriptionPromotion, [
                "id", "subscription", "source", "name", "discount_kind", "value", "months",
                "starts_on", "ends_on"], rows[SubscriptionPromotion])  # fmt: skip
            _copy(cursor, ServiceRequest, ["id", "kind", "status", "customer", "address", "sale",
                                           "note", "created_at", "created_by"],
                  rows[ServiceRequest])  # fmt: skip
            _copy(cursor, Through, ["servicerequest", "subscription"], rows[Through])
            _copy(cursor, Entry, ["id", "account", "kind", "amount", "description", "posted_at",
                                  "due_on", "idempotency_key", "posted_by"],
                  rows[Entry])  # fmt: skip
            _copy(cursor, ContactRecord, ["id", "customer", "at", "channel", "agent_label",
                                          "reason", "answer", "actions"],
                  rows[ContactRecord])  # fmt: skip
            _copy(cursor, AuditEvent, ["at", "actor_label", "branch_label", "action", "object_type",
                                       "object_id", "object_repr", "changes"],
                  rows[AuditEvent])  # fmt: skip
        t_copy += time.perf_counter() - t0
        say(f"   {min(n, start + CHUNK):>9,} customers written "
            f"(generate {t_gen:.0f} s, COPY {t_copy:.0f} s)")  # fmt: skip
    timings["generate_s"], timings["copy_s"] = t_gen, t_copy
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'COALESCE((SELECT max("{pk}") FROM "{table}"), 0) + 1, false)',
                [table, pk],
            )
            cursor.execute(f'ANALYZE "{table}"')
    timings["indexes_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_all
    return timings


def ensure_dataset(n: int, *, say=print):
    """Company bench-001 with ``n`` customers (generated when it has fewer; an existing
    smaller set is replaced). Returns the company."""
    from django.db import connection, transaction

    from tenants.models import Company
    from tenants.schemas import company_context

    common.prepare_database()
    common.bench_company()
    company = Company.objects.get(slug=common.company_slug(DATASET_COMPANY))
    with company_context(company):
        have = dataset_size()
        if have != n:
            say(f"   generating {n:,} customers in {company.slug} (set-up, not timed as search)")
            if have:
                tables = ", ".join(m._meta.db_table for m in _models())
                with connection.cursor() as cursor:
                    cursor.execute(f"TRUNCATE {tables} CASCADE")
            with transaction.atomic():  # all or nothing (the index drops too)
                timings = generate_dataset(n, say=say)
            say("   generated: " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    return company


def sample_queries(count: int, *, seed: int = 5) -> dict[str, list[str]]:
    """Queries typed as a person would: the start of a name ("maria apa", accents and case as
    registered), a CPF with punctuation, a mobile as written ("(51) 98765-4321")."""
    from django.db import connection

    rnd = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM customers_customer")
        top = cursor.fetchone()[0]
        ids = [rnd.randrange(1, top + 1) for _ in range(count * 2)]
        cursor.execute(
            "SELECT c.name, c.tax_id, (SELECT k.value FROM customers_contact k "
            "WHERE k.customer_id = c.id AND k.kind = 'mobile' LIMIT 1) "
            "FROM customers_customer c WHERE c.id = ANY(%s)",
            [ids],
        )
        found = cursor.fetchall()
    rnd.shuffle(found)
    names, docs, phones = [], [], []
    for name, tax_id, phone in found:
        first, second, *_rest = name.split(" ")
        names.append(f"{first} {second[: rnd.randrange(2, 5)]}")
        docs.append(format_cpf(tax_id) if rnd.random() < 0.5 else tax_id)
        if phone:
            phones.append(phone)
    return {"name_prefix": names[:count], "document": docs[:count], "phone": phones[:count]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    common.header(f"customer search: {args.customers:,} customers")
    common.prepare_database()
    common.setup_django()
    from django.db import connection

    from tenants.schemas import company_context

    company = ensure_dataset(args.customers)
    if args.generate_only:
        return
    try:
        from tenant_apps.customers.selectors import customer_search
    except ImportError:
        raise SystemExit("customers.selectors.customer_search does not exist yet") from None
    target = 50.0
    results = {}
    with company_context(company):
        queries = sample_queries(args.queries)
        for kind, items in queries.items():
            for q in items[:30]:  # warm-up (not counted)
                customer_search(q)
            times, hits, statements = [], 0, []

            def count(execute, sql, params, many, context, _s=statements):
                _s.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                for q in items:
                    t0 = time.perf_counter()
                    found = customer_search(q)
                    times.append((time.perf_counter() - t0) * 1000)
                    hits += bool(found)
            p50, p95 = common.percentile(times, 50), common.percentile(times, 95)
            results[kind] = {
                "queries": len(items),
                "found": hits,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "max_ms": round(max(times), 2),
                "statements_per_query": round(len(statements) / len(items), 2),
                "ok": p95 < target,
            }
            print(
                f"   {kind:<12} {len(items)} queries, found {hits}: p50 {p50:6.2f} ms, "
                f"p95 {p95:6.2f} ms, max {max(times):6.1f} ms, "
                f"{len(statements) / len(items):.1f} statements/query  "
                f"(target p95 < {target:.0f} ms: {common.verdict(p95 < target)})"
            )
    common.save("customer_search", {"customers": args.customers, "results": results})


if __name__ == "__main__":
    main()
