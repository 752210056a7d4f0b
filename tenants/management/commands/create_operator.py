"""Create an operator with its first company (and optionally its administrator)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shared_apps.audit.actor import Actor
from tenants import services
from tenants.models import Company


class Command(BaseCommand):
    help = "Create an operator and its first company; the company's schema is created at once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Operator name")
        parser.add_argument("--slug", required=True, help="Operator code")
        parser.add_argument("--company-name", required=True)
        parser.add_argument("--company-slug", required=True, help="Route: /c/<slug>/")
        parser.add_argument("--admin-username", help="Create this operator administrator")
        parser.add_argument("--admin-password")

    def handle(self, *args, **opts):
        connection.set_schema_to_public()
        actor = Actor.system("create_operator")
        try:
            operator, company = services.operator_create(
                actor=actor,
                name=opts["name"],
                slug=opts["slug"],
                first_company=services.CompanyInput(
                    name=opts["company_name"], slug=opts["company_slug"]
                ),
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        company = services.company_provision(company_id=company.pk)
        if opts.get("admin_username"):
            from shared_apps.access.models import AccessProfile
            from shared_apps.access.services import membership_grant, user_create

            if not opts.get("admin_password"):
                raise CommandError("--admin-password is required with --admin-username")
            user = user_create(
                actor=actor, username=opts["admin_username"], password=opts["admin_password"]
            )
            membership_grant(
                actor=actor,
                user=user,
                operator=operator,
                company=None,
                profiles=AccessProfile.objects.filter(operator=operator, company=None),
            )
        company = Company.objects.get(pk=company.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"Operator {operator.slug} created; company {company.slug} is {company.status} "
                f"at /c/{company.slug}/ (schema {company.schema_name})."
            )
        )
