from django.urls import path

from . import views as v

urlpatterns = [
    path("accounts/", v.AccountListApi.as_view(), name="api-accounts"),
    path("accounts/<int:pk>/entries/", v.AccountEntryListApi.as_view(), name="api-account-entries"),
]
