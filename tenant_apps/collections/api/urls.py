from django.urls import path

from .views import (
    BankReturnDetailApi,
    BankReturnListApi,
    DunningEventListApi,
    PaymentDetailApi,
    PaymentListApi,
    PaymentReverseApi,
)

urlpatterns = [
    path("payments/", PaymentListApi.as_view(), name="api-payments"),
    path("payments/<int:pk>/", PaymentDetailApi.as_view(), name="api-payment-detail"),
    path("payments/<int:pk>/reverse/", PaymentReverseApi.as_view(), name="api-payment-reverse"),
    path("bank-returns/", BankReturnListApi.as_view(), name="api-bank-returns"),
    path("bank-returns/<int:pk>/", BankReturnDetailApi.as_view(), name="api-bank-return-detail"),
    path("dunning-events/", DunningEventListApi.as_view(), name="api-dunning-events"),
]
