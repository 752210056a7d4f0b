from django.urls import path

from . import views_plans as v

urlpatterns = [
    path("", v.PlanListView.as_view(), name="plans"),
    path("new/", v.PlanFormView.as_view(), name="plan-create"),
    path("<int:pk>/", v.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/edit/", v.PlanFormView.as_view(), name="plan-edit"),
    path("<int:pk>/items/", v.PlanItemAddView.as_view(), name="plan-item-add"),
    path("<int:pk>/items/<int:item_pk>/", v.PlanItemEditView.as_view(), name="plan-item-edit"),
    path(
        "<int:pk>/items/<int:item_pk>/remove/",
        v.PlanItemRemoveView.as_view(),
        name="plan-item-remove",
    ),
    path("<int:pk>/devices/", v.PlanDeviceAddView.as_view(), name="plan-device-add"),
    path(
        "<int:pk>/devices/<int:device_pk>/",
        v.PlanDeviceEditView.as_view(),
        name="plan-device-edit",
    ),
    path(
        "<int:pk>/devices/<int:device_pk>/remove/",
        v.PlanDeviceRemoveView.as_view(),
        name="plan-device-remove",
    ),
    path("<int:pk>/promotions/", v.PlanPromotionAddView.as_view(), name="plan-promotion-add"),
    path(
        "<int:pk>/promotions/<int:promotion_pk>/remove/",
        v.PlanPromotionRemoveView.as_view(),
        name="plan-promotion-remove",
    ),
    path("<int:pk>/groups/", v.GroupPlanAddView.as_view(), name="plan-group-add"),
    path(
        "<int:pk>/groups/<int:group_plan_pk>/remove/",
        v.GroupPlanRemoveView.as_view(),
        name="plan-group-remove",
    ),
]
