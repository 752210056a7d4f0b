from django.urls import path

from . import views_public as v
from . import views_system as s

urlpatterns = [
    path("", v.home, name="home"),
    path("accounts/login/", v.LoginView.as_view(), name="login"),
    path("accounts/logout/", v.logout, name="logout"),
    path("position/", v.position, name="position"),
    path("central/", v.central, name="central"),
    path("operator/", v.operator_companies, name="operator-companies"),
    path("operator/<int:operator_id>/", v.operator_companies, name="operator-companies-detail"),
    path("operator/users/", v.operator_members_home, name="operator-members-home"),
    path("operator/<int:operator_id>/users/", v.operator_members, name="operator-members"),
    path("operator/companies/<int:company_id>/status/", v.company_status, name="company-status"),
    path(
        "operator/companies/<int:company_id>/branches/new/", v.branch_create, name="branch-create"
    ),
    path("operator/api-keys/", v.api_keys, name="api-keys"),
    path("platform/operators/", v.platform_operators, name="platform-operators"),
    path("healthz", s.healthz, name="healthz"),
    path("manifest.webmanifest", s.manifest, name="manifest"),
    path("sw.js", s.service_worker, name="service-worker"),
]
