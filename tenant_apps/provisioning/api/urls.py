from django.urls import path

from .views import CommandListApi

urlpatterns = [
    path("provisioning-commands/", CommandListApi.as_view(), name="api-provisioning-commands"),
]
