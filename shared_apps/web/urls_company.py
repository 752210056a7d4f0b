from django.urls import path

from . import views_company as v

urlpatterns = [
    path("", v.CompanyHomeView.as_view(), name="company-home"),
    path("profiles/", v.ProfilesView.as_view(), name="profiles"),
    path("profiles/new/", v.ProfileEditView.as_view(), name="profile-create"),
    path("profiles/<int:pk>/", v.ProfileEditView.as_view(), name="profile-edit"),
    path("audit/", v.AuditView.as_view(), name="audit"),
]
