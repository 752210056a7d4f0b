from django.urls import path

from .views import (
    BankReturnDetailView,
    BankReturnListView,
    BankReturnProgressView,
    CustomerCollectionsPanelView,
    PaymentDetailView,
    PaymentListView,
    PaymentNewView,
)

urlpatterns = [
    path("payments/", PaymentListView.as_view(), name="payments"),
    path("payments/new/", PaymentNewView.as_view(), name="payment-new"),
    path("payments/<int:pk>/", PaymentDetailView.as_view(), name="payment-detail"),
    path("bank-returns/", BankReturnListView.as_view(), name="bank-returns"),
    path("bank-returns/<int:pk>/", BankReturnDetailView.as_view(), name="bank-return-detail"),
    path(
        "bank-returns/<int:pk>/progress/",
        BankReturnProgressView.as_view(),
        name="bank-return-progress",
    ),
    path(
        "customers/<int:customer_id>/panel/",
        CustomerCollectionsPanelView.as_view(),
        name="customer-collections-panel",
    ),
]
