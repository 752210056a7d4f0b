"""The billing run of a cycle (B1): preview, start, chunks, finalize, resume.

A run is one row per cycle (unique ``cycle_start``) and its chunks, slices of a few thousand
payers each (``BILLING_RUN_CHUNK_PAYERS``). Each chunk is billed by one Celery task on the
``billing`` queue (``billing.run_chunk``) in ONE transaction that locks the chunk row, writes
its invoices and lines with COPY (``engine``): numbered in the company's invoice series
(locked from the numbering to the commit: gapless), open and posted to the ledger; it marks
its one-off charges billed and the chunk done. A chunk done does nothing; a chunk whose worker
died is rolled back whole, numbers included, and redelivered (``acks_late``), so each invoice
exists once and no number is lost. The numbers follow the order in which the chunks commit
(customers, then groups, by id within a chunk). The last chunk to finish enqueues
``billing.run_finalize``, which closes the run (its figures and exceptions, the audit record)
and then has the payers' waiting credit applied and the PDFs rendered; running it again does
nothing. Starting a cycle already done returns it; starting a failed or stuck one resumes it.

The preview runs the same computation (``engine.chunk_compute`` over the same chunks) without
writing, so its figures are the run's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.parameters.choices import SeriesKind
from tenant_apps.parameters.models import DocumentSeries
from tenant_apps.parameters.selectors import company_parameters, company_today

from .. import engine
from ..choices import ChunkStatus, RunStatus
from ..cycles import ARREARS, Cycle, cycle_containing, cycle_to_bill
from ..models import BillingChunk, BillingPreview, BillingRun
from ..selectors import tax_table
from ..taxes import TaxRate as TaxRateRule

__all__ = [
    "EXCEPTION_MESSAGES",
    "Preview",
    "billing_chunk_run",
    "billing_preview_compute",
    "billing_preview_fail",
    "billing_preview_request",
    "billing_run_fail",
    "billing_run_finalize",
    "billing_run_preview",
    "billing_run_request",
    "billing_run_resume",
    "billing_run_start",
    "chunk_payers",
    "exception_rows",
]

FINALIZE_ACTOR = "billing-run"

# How the pages word a run's exceptions (engine.Summary.exceptions codes).
EXCEPTION_MESSAGES = {
    "nothing_billable": gettext_lazy(
        "Payers with active postpaid products but nothing billable in the cycle"
    ),
    "missing_tax": gettext_lazy("Lines of systems with no tax rate"),
    "credit_carried": gettext_lazy(
        "Payers whose credits exceed the invoice: the credits wait for a later invoice"
    ),
    "zero_total": gettext_lazy("Invoices with a total of zero (issued as paid)"),
}


def chunk_payers() -> int:
    """Payers per chunk (setting ``BILLING_RUN_CHUNK_PAYERS``, default 2,500)."""
    return int(getattr(settings, "BILLING_RUN_CHUNK_PAYERS", 2500))


def exception_rows(exceptions: list[dict]) -> list[dict]:
    """The stored exceptions with their message, for the pages and the API."""
    return [
        {**row, "message": str(EXCEPTION_MESSAGES.get(row["code"], row["code"]))}
        for row in exceptions
    ]


# --- the cycle --------------------------------------------------------------------------------


def _cycle(cycle_start: dt.date | None, run_on: dt.date | None) -> tuple[Cycle, str]:
    """The cycle to bill and the timing: ``cycle_start`` (checked) or the one the parameters
    say for ``run_on`` (today). Refuses a cycle not closed yet (arrears) or not started yet
    (advance)."""
    params = company_parameters()
    today = run_on or company_today(params.time_zone)
    timing = params.billing_timing
    if cycle_start is None:
        return cycle_to_bill(today, params.billing_day, timing), timing
    cycle = cycle_containing(cycle_start, params.billing_day)
    if cycle.start != cycle_start:
        raise ValidationError(
            {
                "cycle_start": _(
                    "A cycle starts on the company's billing day (%(day)s); the nearest "
                    "cycle starts on %(start)s."
                )
                % {"day": params.billing_day, "start": cycle.start.isoformat()}
            }
        )
    if timing == ARREARS and cycle.end > today:
        raise ValidationError(
            {
                "cycle_start": _(
                    "This cycle is not closed yet: it is billed in arrears from %(end)s."
                )
                % {"end": cycle.end.isoformat()}
            }
        )
    if cycle.start > today:
        raise ValidationError({"cycle_start": _("This cycle has not started yet.")})
    return cycle, timing


def _terms() -> dict:
    """What a run bills with, fixed when it starts (stored on the run as JSON)."""
    params = company_parameters()
    return {
        "currency": params.currency,
        "decimals": params.currency_decimals,
        "language": params.locale,
        "taxes": {
            system: [{"name": r.name, "rate": str(r.rate), "mode": r.mode} for r in rates]
            for system, rates in tax_table().items()
        },
    }


def _context(run: BillingRun) -> engine.Context:
    """The run's context from the terms stored when it started, so a tax rate or parameter
    changed mid-run never bills two chunks differently."""
    terms = run.terms or _terms()
    return engine.Context(
        cycle=Cycle(run.cycle_start, run.cycle_end),
        issued_on=run.issued_on,
        due_on=run.due_on,
        decimals=terms["decimals"],
        currency=terms["currency"],
        language=terms["language"],
        table={
            system: tuple(
                TaxRateRule(name=r["name"], rate=Decimal(r["rate"]), mode=r["mode"]) for r in rates
            )
            for system, rates in terms["taxes"].items()
        },
        run_id=run.pk,
        posted_by=run.requested_by,
    )


# --- preview ----------------------------------------------------------------------------------


@dataclass
class Preview:
    cycle: Cycle
    timing: str
    issued_on: dt.date
    due_on: dt.date
    invoices: int
    total: Decimal
    totals_by_system: dict[str, Decimal]
    exceptions: list[dict] = field(default_factory=list)
    run: BillingRun | None = None


def billing_run_preview(
    *,
    cycle_start: dt.date | None = None,
    run_on: dt.date | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Preview:
    """What a run of the cycle would bill, computed as the run does, writing nothing: invoices,
    total, totals by system and the exceptions. For a cycle already run, the run's figures.
    Chunk by chunk, each in a read-only transaction of its own; ``on_chunk(done, total)`` is
    called after each (the background preview's progress)."""
    cycle, timing = _cycle(cycle_start, run_on)
    params = company_parameters()
    issued_on = run_on or company_today(params.time_zone)
    due_on = issued_on + dt.timedelta(days=params.days_to_due)
    run = BillingRun.objects.filter(cycle_start=cycle.start).first()
    if run is not None and run.status == RunStatus.DONE:
        return Preview(
            cycle=cycle,
            timing=run.timing,
            issued_on=run.issued_on,
            due_on=run.due_on,
            invoices=run.invoices_count,
            total=run.total,
            totals_by_system={k: Decimal(v) for k, v in run.totals_by_system.items()},
            exceptions=run.exceptions,
            run=run,
        )
    ctx = engine.Context(
        cycle=cycle,
        issued_on=issued_on,
        due_on=due_on,
        decimals=params.currency_decimals,
        currency=params.currency,
        language=params.locale,
        table=tax_table(),
    )
    total = engine.Summary()
    with transaction.atomic(), connection.cursor() as cursor:  # read only (SET LOCAL in it)
        engine.no_jit(cursor)
        ranges = engine.payer_ranges(cursor, cycle, chunk_payers())
    for done, (kind, low, high) in enumerate(ranges, start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            engine.no_jit(cursor)
            total.add(engine.chunk_compute(cursor, ctx, kind, low, high).summary)
        if on_chunk is not None:
            on_chunk(done, len(ranges))
    return Preview(
        cycle=cycle,
        timing=timing,
        issued_on=issued_on,
        due_on=due_on,
        invoices=total.invoices,
        total=total.total,
        totals_by_system=dict(sorted(total.by_system.items())),
        exceptions=total.exceptions(),
        run=run,
    )


# A preview of the same cycle asked for again within this time is the one already computing.
PREVIEW_REUSE = dt.timedelta(minutes=10)


@transaction.atomic
def billing_preview_request(*, actor: Actor, cycle_start: dt.date | None = None) -> BillingPreview:
    """Ask for the preview of a cycle (the one the parameters say for today by default),
    computed in the background by ``billing.run_preview``. A cycle refused (not closed yet,
    not on the billing day) is a ValidationError on ``cycle_start``; a preview of the cycle
    queued or computing, asked for in the last minutes, is returned instead of a second one."""
    cycle, timing = _cycle(cycle_start, None)
    params = company_parameters()
    issued_on = company_today(params.time_zone)
    waiting = (
        BillingPreview.objects.filter(
            cycle_start=cycle.start,
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
            requested_at__gte=timezone.now() - PREVIEW_REUSE,
        )
        .order_by("-requested_at")
        .first()
    )
    if waiting is not None:
        return waiting
    preview = BillingPreview.objects.create(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        timing=timing,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=params.days_to_due),
        requested_by=actor.label,
    )
    from ..tasks_runs import billing_run_preview as preview_task

    transaction.on_commit(lambda: preview_task.delay(preview.pk))
    return preview


def billing_preview_compute(*, preview_id: int) -> BillingPreview | None:
    """Compute a requested preview (the task's body): its progress after each chunk, then its
    figures. A preview already done or failed is left as it is."""
    preview = BillingPreview.objects.filter(pk=preview_id).first()
    if preview is None or preview.status in (RunStatus.DONE, RunStatus.FAILED):
        return preview
    rows = BillingPreview.objects.filter(pk=preview_id)
    rows.update(status=RunStatus.RUNNING, error="")

    def progress(done: int, total: int) -> None:
        rows.update(chunks_done=done, chunks_total=total)

    try:
        result = billing_run_preview(
            cycle_start=preview.cycle_start, run_on=preview.issued_on, on_chunk=progress
        )
    except ValidationError as exc:
        rows.update(status=RunStatus.FAILED, error="; ".join(exc.messages)[:2000])
        return BillingPreview.objects.get(pk=preview_id)
    preview.refresh_from_db()
    preview.status = RunStatus.DONE
    preview.chunks_done = preview.chunks_total
    preview.timing = result.timing
    preview.issued_on = result.issued_on
    preview.due_on = result.due_on
    preview.invoices_count = result.invoices
    preview.total = result.total
    preview.totals_by_system = {k: str(v) for k, v in result.totals_by_system.items()}
    preview.exceptions = result.exceptions
    preview.finished_at = timezone.now()
    preview.save()
    return preview


def billing_preview_fail(*, preview_id: int, error: str) -> None:
    BillingPreview.objects.filter(pk=preview_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=error[:2000]
    )


# --- start and resume -------------------------------------------------------------------------


def _enqueue(run: BillingRun, indexes: list[int]) -> None:
    from ..tasks_runs import billing_run_chunk, billing_run_finalize

    run_id = run.pk

    def send():
        if indexes:
            for index in indexes:
                billing_run_chunk.delay(run_id, index)
        else:
            billing_run_finalize.delay(run_id)

    transaction.on_commit(send)


def billing_run_start(
    *, actor: Actor, cycle_start: dt.date | None = None, issued_on: dt.date | None = None
) -> BillingRun:
    """Start the run of a cycle (the one the parameters say for today by default): the run and
    its chunks, and one task per chunk once committed. A cycle already done is returned as is
    (nothing is billed twice); a cycle started and not done is resumed."""
    return billing_run_request(actor=actor, cycle_start=cycle_start, issued_on=issued_on)[0]


@transaction.atomic
def billing_run_request(
    *, actor: Actor, cycle_start: dt.date | None = None, issued_on: dt.date | None = None
) -> tuple[BillingRun, bool]:
    """``billing_run_start``, telling whether the run was created (False: the cycle's run,
    returned or resumed)."""
    params = company_parameters()
    cycle, timing = _cycle(cycle_start, None)
    # One start at a time per company: the second waits, then finds the first's run.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('billing.run_start'))")
    run = BillingRun.objects.select_for_update().filter(cycle_start=cycle.start).first()
    if run is not None:
        if run.status == RunStatus.DONE:
            return run, False
        return billing_run_resume(actor=actor, run=run), False
    overlapping = (
        BillingRun.objects.filter(cycle_start__lt=cycle.end, cycle_end__gt=cycle.start)
        .order_by("cycle_start")
        .first()
    )
    if overlapping is not None:
        # The billing day changed since: billing this cycle would bill days again.
        raise ValidationError(
            {
                "cycle_start": _(
                    "This cycle overlaps the cycle already billed from %(start)s to %(end)s "
                    "(the billing day changed since): its days would be billed twice."
                )
                % {
                    "start": overlapping.cycle_start.isoformat(),
                    "end": overlapping.cycle_end.isoformat(),
                }
            }
        )
    issued_on = issued_on or company_today(params.time_zone)
    if issued_on < cycle.start:
        raise ValidationError({"issued_on": _("The issue date cannot be before the cycle.")})
    run = BillingRun(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        timing=timing,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=params.days_to_due),
        requested_by=actor.label,
        terms=_terms(),
    )
    run.full_clean()
    run.save()
    with connection.cursor() as cursor:
        engine.no_jit(cursor)
        ranges = engine.payer_ranges(cursor, cycle, chunk_payers())
    BillingChunk.objects.bulk_create(
        BillingChunk(run=run, index=i, payer_kind=kind, low_id=low, high_id=high)
        for i, (kind, low, high) in enumerate(ranges)
    )
    run.chunks_total = len(ranges)
    run.save(update_fields=["chunks_total"])
    audit_record(
        actor=actor,
        action="billing.run_start",
        target=run,
        changes={
            "cycle": [cycle.start.isoformat(), cycle.end.isoformat()],
            "timing": timing,
            "issued_on": issued_on.isoformat(),
            "chunks": len(ranges),
        },
    )
    _enqueue(run, list(range(len(ranges))))
    return run, True


@transaction.atomic
def billing_run_resume(*, actor: Actor, run: BillingRun) -> BillingRun:
    """Enqueue again what a run has not done: its pending chunks, or its finalize. A run done
    is returned as is."""
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.DONE:
        return run
    pending = list(run.chunks.filter(status=ChunkStatus.PENDING).values_list("index", flat=True))
    before = run.status
    run.status = RunStatus.RUNNING if run.started_at else RunStatus.QUEUED
    run.error = ""
    run.save(update_fields=["status", "error"])
    if before != RunStatus.QUEUED or pending != list(range(run.chunks_total)):
        audit_record(
            actor=actor,
            action="billing.run_resume",
            target=run,
            changes={"status": [before, run.status], "pending_chunks": len(pending)},
        )
    _enqueue(run, pending)
    return run


# --- the chunks -------------------------------------------------------------------------------


def billing_chunk_run(*, run_id: int, index: int) -> bool:
    """Bill chunk ``index`` of run ``run_id`` in one transaction (nothing when it is done), then
    bring the run's progress up to date. Returns whether no chunk is left pending (finalize is
    then enqueued; it is idempotent, so two chunks finishing together may both enqueue it, and
    a chunk redelivered after its commit still gets the run finalized)."""
    with transaction.atomic():
        # Lock the chunk row only (not the run's: the chunks of a run run side by side).
        chunk = (
            BillingChunk.objects.select_for_update(of=("self",))
            .select_related("run")
            .filter(run_id=run_id, index=index)
            .first()
        )
        if chunk is None:
            return False
        if chunk.status != ChunkStatus.DONE:
            ctx = _context(chunk.run)
            with connection.cursor() as cursor:
                result = engine.chunk_compute(
                    cursor, ctx, chunk.payer_kind, chunk.low_id, chunk.high_id, lock_charges=True
                )
                first_number = engine.chunk_write(cursor, ctx, chunk.payer_kind, result)
                if engine.AFTER_WRITE is not None:
                    engine.AFTER_WRITE()
            summary = result.summary
            chunk.first_number = first_number
            chunk.status = ChunkStatus.DONE
            chunk.invoices_count = summary.invoices
            chunk.total = summary.total
            chunk.summary = summary.as_json()
            chunk.finished_at = timezone.now()
            chunk.save(
                update_fields=[
                    "status",
                    "first_number",
                    "invoices_count",
                    "total",
                    "summary",
                    "finished_at",
                ]
            )
    # The run row is updated after the chunk's commit, in a statement of its own: updating it
    # inside the chunk's transaction held its lock until that commit, so chunks committed one
    # at a time.
    with connection.cursor() as cursor:
        cursor.execute(_PROGRESS, [run_id, run_id])
        row = cursor.fetchone()
    last = row is not None and row[0] == 0
    if last:
        _enqueue(chunk.run, [])
    return last


# The run's progress from its chunks (a failed run stays failed until resumed); returns the
# chunks still pending.
_PROGRESS = (
    "WITH c AS (SELECT count(*) FILTER (WHERE status = 'done') AS done,"
    " count(*) FILTER (WHERE status = 'pending') AS pending,"
    " COALESCE(sum(invoices_count) FILTER (WHERE status = 'done'), 0) AS invoices,"
    " COALESCE(sum(total) FILTER (WHERE status = 'done'), 0) AS total"
    " FROM billing_billingchunk WHERE run_id = %s)"
    " UPDATE billing_billingrun r SET chunks_done = c.done, invoices_count = c.invoices,"
    " total = c.total,"
    " status = CASE WHEN r.status = 'queued' THEN 'running' ELSE r.status END,"
    " started_at = COALESCE(r.started_at, now())"
    " FROM c WHERE r.id = %s AND r.status IN ('queued', 'running', 'failed')"
    " RETURNING c.pending"
)


def billing_run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed (a chunk or finalize gave up after its retries); resume it later."""
    BillingRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=error[:2000]
    )


# --- finalize ---------------------------------------------------------------------------------


def billing_run_finalize(*, run_id: int) -> BillingRun:
    """Close a run whose chunks are all done (their invoices are numbered and posted): its
    figures, totals by system and exceptions from the chunks', done, the audit record (with
    the first and last numbers), in one transaction; then the payers' waiting credit and the
    PDFs, as tasks of their own. Does nothing for a run done or with chunks still pending."""
    pending = BillingChunk.objects.filter(run_id=run_id, status=ChunkStatus.PENDING)
    BillingRun.objects.filter(
        ~Exists(pending), pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.FINALIZING)
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return run
        if run.chunks.filter(status=ChunkStatus.PENDING).exists():
            return run
        summary = engine.Summary()
        numbered = []
        for data, first, count in run.chunks.values_list(
            "summary", "first_number", "invoices_count"
        ):
            summary.add(engine.Summary.from_json(data))
            if first is not None:
                numbered.append((first, first + count - 1))
        if engine.AFTER_WRITE is not None:
            engine.AFTER_WRITE()
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.started_at = run.started_at or run.finished_at
        run.chunks_done = run.chunks_total
        run.invoices_count = summary.invoices
        run.total = summary.total
        run.totals_by_system = {k: str(v) for k, v in sorted(summary.by_system.items())}
        run.exceptions = summary.exceptions()
        run.error = ""
        run.save()
        numbers = []
        series = DocumentSeries.objects.filter(kind=SeriesKind.INVOICE).first()
        if numbered and series is not None:
            numbers = [
                series.format(min(low for low, _high in numbered)),
                series.format(max(high for _low, high in numbered)),
            ]
        audit_record(
            actor=Actor.system(FINALIZE_ACTOR),
            action="billing.run_done",
            target=run,
            changes={
                "requested_by": run.requested_by,
                "invoices": summary.invoices,
                "total": str(summary.total),
                "numbers": numbers,
            },
        )
        # Payment credit waiting on the payers' accounts settles the new invoices (a task of
        # its own: a failure there never undoes the run; it is idempotent).
        from ..tasks_runs import billing_run_apply_credit

        transaction.on_commit(lambda: billing_run_apply_credit.delay(run.pk))
        if settings.BILLING_RENDER_PDFS_AFTER_RUN:
            # The PDFs are a separate step (in chunks, on the billing queue), after the run.
            from ..tasks_documents import render_pdfs

            transaction.on_commit(lambda: render_pdfs.delay(run.pk))
    return run
