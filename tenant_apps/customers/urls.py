from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.CustomerListView.as_view(), name="customers"),
    path("new/", v.CustomerCreateView.as_view(), name="customer-new"),
    path("groups/", v.GroupListView.as_view(), name="groups"),
    path("groups/new/", v.GroupEditView.as_view(), name="group-new"),
    path("groups/<int:pk>/", v.GroupEditView.as_view(), name="group-edit"),
    path("<int:pk>/", v.CustomerDetailView.as_view(), name="customer-detail"),
    path("<int:pk>/edit/", v.CustomerEditView.as_view(), name="customer-edit"),
    path("<int:pk>/addresses/new/", v.AddressCreateView.as_view(), name="customer-address-new"),
    path(
        "<int:pk>/addresses/<int:address_id>/",
        v.AddressEditView.as_view(),
        name="customer-address-edit",
    ),
    path("<int:pk>/contacts/new/", v.ContactCreateView.as_view(), name="customer-contact-new"),
    path(
        "<int:pk>/contacts/<int:contact_id>/delete/",
        v.ContactDeleteView.as_view(),
        name="customer-contact-delete",
    ),
    path("<int:pk>/records/", v.ContactRecordCreateView.as_view(), name="customer-contact-record"),
]
