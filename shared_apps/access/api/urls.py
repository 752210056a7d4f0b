from django.urls import path

from .views import ApiKeyListApi, MeApi, MembershipDetailApi, MembershipListApi, PositionApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("position/", PositionApi.as_view(), name="api-position"),
    path("api-keys/", ApiKeyListApi.as_view(), name="api-api-keys"),
    path("memberships/", MembershipListApi.as_view(), name="api-memberships"),
    path("memberships/<int:pk>/", MembershipDetailApi.as_view(), name="api-membership-detail"),
]
