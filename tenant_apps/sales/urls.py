from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.SaleListView.as_view(), name="sales"),
    path("new/", v.SaleNewView.as_view(), name="sale-new"),
    path("<int:pk>/", v.SaleDetailView.as_view(), name="sale-detail"),
    path("subscriptions/", v.SubscriptionListView.as_view(), name="subscriptions"),
    path(
        "subscriptions/<int:pk>/cancel/",
        v.SubscriptionCancelView.as_view(),
        name="subscription-cancel",
    ),
    path(
        "subscriptions/<int:pk>/change-plan/",
        v.SubscriptionChangePlanView.as_view(),
        name="subscription-change-plan",
    ),
    path(
        "subscriptions/<int:pk>/activate/",
        v.SubscriptionActivateView.as_view(),
        name="subscription-activate",
    ),
    path(
        "subscriptions/<int:pk>/remove/",
        v.AdditionalRemoveView.as_view(),
        name="additional-remove",
    ),
    path("additionals/new/", v.AdditionalNewView.as_view(), name="additional-new"),
    path("customers/<int:pk>/cancel/", v.CustomerCancelView.as_view(), name="customer-cancel"),
    path("service-requests/", v.ServiceRequestListView.as_view(), name="service-requests"),
]
