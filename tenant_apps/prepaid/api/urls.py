from django.urls import path

from .views import RechargeApi, WalletDetailApi, WalletListApi

urlpatterns = [
    path("prepaid-wallets/", WalletListApi.as_view(), name="api-prepaid-wallets"),
    path("prepaid-wallets/<int:pk>/", WalletDetailApi.as_view(), name="api-prepaid-wallet"),
    path("recharges/", RechargeApi.as_view(), name="api-recharges"),
]
