from django.urls import path

from .views import ProfileDetailApi, ProfileListApi

urlpatterns = [
    path("profiles/", ProfileListApi.as_view(), name="api-profiles"),
    path("profiles/<int:pk>/", ProfileDetailApi.as_view(), name="api-profile-detail"),
]
