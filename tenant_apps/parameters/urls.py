from django.urls import path

from .views import ParametersView

urlpatterns = [path("", ParametersView.as_view(), name="parameters")]
