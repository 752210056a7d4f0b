from django.urls import path

from .views import (
    DeviceModelDetailApi,
    DeviceModelListApi,
    ProductDetailApi,
    ProductListApi,
    ProvisioningSpecApi,
)

urlpatterns = [
    path("device-models/", DeviceModelListApi.as_view(), name="api-device-models"),
    path("device-models/<int:pk>/", DeviceModelDetailApi.as_view(), name="api-device-model-detail"),
    path("products/", ProductListApi.as_view(), name="api-products"),
    path(
        "products/provisioning-spec/",
        ProvisioningSpecApi.as_view(),
        name="api-products-provisioning-spec",
    ),
    path("products/<int:pk>/", ProductDetailApi.as_view(), name="api-product-detail"),
]
