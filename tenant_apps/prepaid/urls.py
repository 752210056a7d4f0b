from django.urls import path

from .views import CustomerPrepaidPanelView, RechargeNewView, WalletDetailView, WalletListView

urlpatterns = [
    path("", WalletListView.as_view(), name="prepaid"),
    path("wallets/<int:pk>/", WalletDetailView.as_view(), name="prepaid-wallet"),
    path("recharges/new/", RechargeNewView.as_view(), name="prepaid-recharge"),
    path(
        "customers/<int:customer_id>/panel/",
        CustomerPrepaidPanelView.as_view(),
        name="customer-prepaid-panel",
    ),
]
