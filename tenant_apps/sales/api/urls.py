from django.urls import path

from .views import (
    AdditionalAddApi,
    CustomerCancelApi,
    SaleCheckApi,
    SaleDetailApi,
    SaleListApi,
    ServiceRequestDetailApi,
    ServiceRequestListApi,
    SubscriptionActivateApi,
    SubscriptionCancelApi,
    SubscriptionChangePlanApi,
    SubscriptionDetailApi,
    SubscriptionListApi,
    SubscriptionRemoveApi,
)

urlpatterns = [
    path("sales/", SaleListApi.as_view(), name="api-sales"),
    path("sales/check/", SaleCheckApi.as_view(), name="api-sale-check"),
    path("sales/<int:pk>/", SaleDetailApi.as_view(), name="api-sale-detail"),
    path("subscriptions/", SubscriptionListApi.as_view(), name="api-subscriptions"),
    path("subscriptions/additionals/", AdditionalAddApi.as_view(), name="api-additional-add"),
    path(
        "subscriptions/<int:pk>/", SubscriptionDetailApi.as_view(), name="api-subscription-detail"
    ),
    path(
        "subscriptions/<int:pk>/activate/",
        SubscriptionActivateApi.as_view(),
        name="api-subscription-activate",
    ),
    path(
        "subscriptions/<int:pk>/cancel/",
        SubscriptionCancelApi.as_view(),
        name="api-subscription-cancel",
    ),
    path(
        "subscriptions/<int:pk>/remove/",
        SubscriptionRemoveApi.as_view(),
        name="api-subscription-remove",
    ),
    path(
        "subscriptions/<int:pk>/change-plan/",
        SubscriptionChangePlanApi.as_view(),
        name="api-subscription-change-plan",
    ),
    path("customer-cancellations/", CustomerCancelApi.as_view(), name="api-customer-cancellations"),
    path("service-requests/", ServiceRequestListApi.as_view(), name="api-service-requests"),
    path(
        "service-requests/<int:pk>/",
        ServiceRequestDetailApi.as_view(),
        name="api-service-request-detail",
    ),
]
