"""Sales plans pages: the list, one plan's page (conditions, products, devices, promotions,
group plans) and the forms that change them. Reading needs ``customers.view``; every form
needs ``catalog.manage`` (and a branch position to save)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from shared_apps.access.mixins import FunctionRequiredMixin
from shared_apps.audit.actor import Actor
from shared_apps.web.utils import add_form_errors
from tenant_apps.customers.choices import CustomerType
from tenant_apps.parameters.selectors import company_today

from .choices import PlanKind
from .forms_plans import (
    DeviceAddForm,
    DeviceEditForm,
    GroupPlanForm,
    ItemAddForm,
    ItemEditForm,
    PlanForm,
    PromotionForm,
)
from .models import GroupPlan, PlanDevice, PlanItem, PlanPromotion, SalesPlan
from .plans_selectors import plan_detail_queryset, plan_list, plan_min_recharge, valid_on_q
from .services.plans import (
    group_plan_create,
    group_plan_remove,
    plan_create,
    plan_device_add,
    plan_device_remove,
    plan_device_update,
    plan_item_add,
    plan_item_remove,
    plan_item_update,
    plan_promotion_add,
    plan_promotion_remove,
    plan_update,
)

READ = "customers.view"
WRITE = "catalog.manage"


class PlanListView(FunctionRequiredMixin, View):
    """Every plan, with whether it can be sold today; filters by kind and active flag."""

    function = READ

    def get(self, request):
        kind = request.GET.get("kind") or None
        if kind not in PlanKind.values:
            kind = None
        active = {"1": True, "0": False}.get(request.GET.get("active", ""))
        today = company_today()
        plans = plan_list(kind=kind, active=active)
        sellable = set(
            plan_list(active=True, valid_on=today)
            .filter(pk__in=[p.pk for p in plans])
            .values_list("pk", flat=True)
        )
        rows = [(p, p.pk in sellable) for p in plans]
        return render(
            request,
            "sales/plans/list.html",
            {
                "rows": rows,
                "kinds": PlanKind.choices,
                "kind": kind or "",
                "active": request.GET.get("active", ""),
                "can_manage": request.access.can(WRITE),
            },
        )


class PlanDetailView(FunctionRequiredMixin, View):
    function = READ

    def get(self, request, pk):
        return render_detail(request, pk)


def render_detail(request, pk: int, *, status: int = 200, **bound_forms):
    """The plan's page; ``bound_forms`` replace the blank forms (to show their errors)."""
    plan = get_object_or_404(plan_detail_queryset(), pk=pk)
    can_manage = request.access.can(WRITE)
    items = list(plan.items.all())
    group_plans = list(plan.group_plans.all())
    for gp in group_plans:
        paid = {i.pk for i in gp.group_items.all()}
        gp.member_items = [i for i in items if i.pk not in paid]
    labels = dict(CustomerType.choices)
    context = {
        "plan": plan,
        "sellable_today": plan.is_active
        and SalesPlan.objects.filter(valid_on_q(company_today()), pk=plan.pk).exists(),
        "can_manage": can_manage,
        "min_recharge": plan_min_recharge(plan=plan),
        "customer_type_labels": [labels.get(t, t) for t in plan.customer_types],
        "items": items,
        "devices": list(plan.devices.all()),
        "promotions": list(plan.promotions.all()),
        "group_plans": group_plans,
    }
    if can_manage:
        context.update(
            item_form=bound_forms.get("item_form") or ItemAddForm(plan=plan),
            device_form=bound_forms.get("device_form") or DeviceAddForm(plan=plan),
            promotion_form=bound_forms.get("promotion_form") or PromotionForm(plan=plan),
            group_form=bound_forms.get("group_form") or GroupPlanForm(plan=plan),
            item_rows=[
                (
                    item,
                    bound_forms.get(f"item_edit_{item.pk}")
                    or ItemEditForm(
                        initial={"price": item.price, "included": item.included},
                        prefix=f"item{item.pk}",
                    ),
                )
                for item in context["items"]
            ],
            device_rows=[
                (
                    device,
                    bound_forms.get(f"device_edit_{device.pk}")
                    or DeviceEditForm(
                        initial={"quantity": device.quantity}, prefix=f"device{device.pk}"
                    ),
                )
                for device in context["devices"]
            ],
        )
    return render(request, "sales/plans/detail.html", context, status=status)


class PlanFormView(FunctionRequiredMixin, View):
    """Create a plan (no ``pk``) or edit one."""

    function = WRITE

    def _render(self, request, form, plan=None, status=200):
        return render(request, "sales/plans/form.html", {"form": form, "plan": plan}, status=status)

    def get(self, request, pk=None):
        plan = get_object_or_404(SalesPlan, pk=pk) if pk else None
        initial = {} if plan else {"valid_from": company_today()}
        return self._render(request, PlanForm(instance=plan, initial=initial), plan)

    def post(self, request, pk=None):
        plan = get_object_or_404(SalesPlan, pk=pk) if pk else None
        form = PlanForm(request.POST, instance=plan)
        if form.is_valid():
            actor = Actor.from_request(request)
            try:
                if plan is None:
                    plan = plan_create(actor=actor, data=form.cleaned_data)
                else:
                    plan = plan_update(actor=actor, plan=plan, data=form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("plan-detail", plan.pk)
        return self._render(request, form, plan, status=400)


class _PlanWriteView(FunctionRequiredMixin, View):
    function = WRITE

    def plan(self, pk) -> SalesPlan:
        return get_object_or_404(SalesPlan, pk=pk)

    def done(self, pk, message):
        messages.success(self.request, message)
        return redirect("plan-detail", pk)

    def refused(self, pk, exc: ValidationError):
        for message in exc.messages:
            messages.error(self.request, message)
        return redirect("plan-detail", pk)


class PlanItemAddView(_PlanWriteView):
    def post(self, request, pk):
        plan = self.plan(pk)
        form = ItemAddForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                plan_item_add(actor=Actor.from_request(request), plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Product added to the plan."))
        return render_detail(request, pk, status=400, item_form=form)


class PlanItemEditView(_PlanWriteView):
    def post(self, request, pk, item_pk):
        item = get_object_or_404(PlanItem, pk=item_pk, plan_id=pk)
        form = ItemEditForm(request.POST, prefix=f"item{item.pk}")
        if form.is_valid():
            try:
                plan_item_update(
                    actor=Actor.from_request(request), item=item, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Product saved."))
        return render_detail(request, pk, status=400, **{f"item_edit_{item.pk}": form})


class PlanItemRemoveView(_PlanWriteView):
    def post(self, request, pk, item_pk):
        item = get_object_or_404(PlanItem, pk=item_pk, plan_id=pk)
        try:
            plan_item_remove(actor=Actor.from_request(request), item=item)
        except ValidationError as exc:
            return self.refused(pk, exc)
        return self.done(pk, _("Product removed from the plan."))


class PlanDeviceAddView(_PlanWriteView):
    def post(self, request, pk):
        plan = self.plan(pk)
        form = DeviceAddForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                plan_device_add(actor=Actor.from_request(request), plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Device added to the plan."))
        return render_detail(request, pk, status=400, device_form=form)


class PlanDeviceEditView(_PlanWriteView):
    def post(self, request, pk, device_pk):
        device = get_object_or_404(PlanDevice, pk=device_pk, plan_id=pk)
        form = DeviceEditForm(request.POST, prefix=f"device{device.pk}")
        if form.is_valid():
            try:
                plan_device_update(
                    actor=Actor.from_request(request),
                    device=device,
                    quantity=form.cleaned_data["quantity"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Device saved."))
        return render_detail(request, pk, status=400, **{f"device_edit_{device.pk}": form})


class PlanDeviceRemoveView(_PlanWriteView):
    def post(self, request, pk, device_pk):
        device = get_object_or_404(PlanDevice, pk=device_pk, plan_id=pk)
        plan_device_remove(actor=Actor.from_request(request), device=device)
        return self.done(pk, _("Device removed from the plan."))


class PlanPromotionAddView(_PlanWriteView):
    def post(self, request, pk):
        plan = self.plan(pk)
        form = PromotionForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                plan_promotion_add(
                    actor=Actor.from_request(request), plan=plan, **form.cleaned_data
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Promotion added."))
        return render_detail(request, pk, status=400, promotion_form=form)


class PlanPromotionRemoveView(_PlanWriteView):
    def post(self, request, pk, promotion_pk):
        promotion = get_object_or_404(PlanPromotion, pk=promotion_pk, plan_id=pk)
        plan_promotion_remove(actor=Actor.from_request(request), promotion=promotion)
        return self.done(pk, _("Promotion removed."))


class GroupPlanAddView(_PlanWriteView):
    def post(self, request, pk):
        plan = self.plan(pk)
        form = GroupPlanForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                group_plan_create(actor=Actor.from_request(request), plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                return self.done(pk, _("Group plan added."))
        return render_detail(request, pk, status=400, group_form=form)


class GroupPlanRemoveView(_PlanWriteView):
    def post(self, request, pk, group_plan_pk):
        row = get_object_or_404(GroupPlan, pk=group_plan_pk, plan_id=pk)
        group_plan_remove(actor=Actor.from_request(request), group_plan=row)
        return self.done(pk, _("Group plan removed."))
