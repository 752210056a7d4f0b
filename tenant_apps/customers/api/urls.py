from django.urls import path

from . import views as v

urlpatterns = [
    path("customers/", v.CustomerListApi.as_view(), name="api-customers"),
    path("customers/<int:pk>/", v.CustomerDetailApi.as_view(), name="api-customer-detail"),
    path(
        "customers/<int:pk>/overview/",
        v.CustomerOverviewApi.as_view(),
        name="api-customer-overview",
    ),
    path("customers/<int:pk>/contacts/", v.ContactListApi.as_view(), name="api-customer-contacts"),
    path(
        "customers/<int:pk>/contacts/<int:contact_id>/",
        v.ContactDetailApi.as_view(),
        name="api-customer-contact-detail",
    ),
    path(
        "customers/<int:pk>/addresses/",
        v.AddressListApi.as_view(),
        name="api-customer-addresses",
    ),
    path(
        "customers/<int:pk>/addresses/<int:address_id>/",
        v.AddressDetailApi.as_view(),
        name="api-customer-address-detail",
    ),
    path(
        "customers/<int:pk>/contact-records/",
        v.ContactRecordListApi.as_view(),
        name="api-customer-contact-records",
    ),
    path("groups/", v.GroupListApi.as_view(), name="api-groups"),
    path("groups/<int:pk>/", v.GroupDetailApi.as_view(), name="api-group-detail"),
]
