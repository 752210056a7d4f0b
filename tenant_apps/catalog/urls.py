from django.urls import path

from .views import (
    CatalogView,
    DeviceModelFormView,
    ProductFormView,
    ProvisioningFieldsView,
    RetireView,
)

urlpatterns = [
    path("", CatalogView.as_view(), name="catalog"),
    path("products/new/", ProductFormView.as_view(), name="catalog-product-create"),
    path(
        "products/provisioning-fields/",
        ProvisioningFieldsView.as_view(),
        name="catalog-provisioning-fields",
    ),
    path("products/<int:pk>/", ProductFormView.as_view(), name="catalog-product-edit"),
    path(
        "products/<int:pk>/retire/",
        RetireView.as_view(kind="product"),
        name="catalog-product-retire",
    ),
    path("device-models/new/", DeviceModelFormView.as_view(), name="catalog-device-model-create"),
    path(
        "device-models/<int:pk>/", DeviceModelFormView.as_view(), name="catalog-device-model-edit"
    ),
    path(
        "device-models/<int:pk>/retire/",
        RetireView.as_view(kind="device_model"),
        name="catalog-device-model-retire",
    ),
]
