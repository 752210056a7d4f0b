from django.urls import path

from .plans import (
    GroupPlanDetailApi,
    GroupPlanListApi,
    PlanDetailApi,
    PlanDeviceDetailApi,
    PlanDeviceListApi,
    PlanItemDetailApi,
    PlanItemListApi,
    PlanListApi,
    PlanPromotionDetailApi,
    PlanPromotionListApi,
)

urlpatterns = [
    path("plans/", PlanListApi.as_view(), name="api-plans"),
    path("plans/<int:pk>/", PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/items/", PlanItemListApi.as_view(), name="api-plan-items"),
    path(
        "plans/<int:pk>/items/<int:item_pk>/",
        PlanItemDetailApi.as_view(),
        name="api-plan-item-detail",
    ),
    path("plans/<int:pk>/devices/", PlanDeviceListApi.as_view(), name="api-plan-devices"),
    path(
        "plans/<int:pk>/devices/<int:device_pk>/",
        PlanDeviceDetailApi.as_view(),
        name="api-plan-device-detail",
    ),
    path("plans/<int:pk>/promotions/", PlanPromotionListApi.as_view(), name="api-plan-promotions"),
    path(
        "plans/<int:pk>/promotions/<int:promotion_pk>/",
        PlanPromotionDetailApi.as_view(),
        name="api-plan-promotion-detail",
    ),
    path("group-plans/", GroupPlanListApi.as_view(), name="api-group-plans"),
    path("group-plans/<int:pk>/", GroupPlanDetailApi.as_view(), name="api-group-plan-detail"),
]
