"""Live company events: the page subscribes, services publish (group names carry the schema)."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from tenants.channels import in_company


def events_group(schema_name: str) -> str:
    return f"{schema_name}.events"


def _company_snapshot() -> dict:
    from django.db import connection

    from tenant_apps.parameters.selectors import company_parameters

    params = company_parameters()
    return {
        "schema": connection.schema_name,
        "currency": params.currency,
        "time_zone": params.time_zone,
    }


class CompanyEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the company's event group; answers {"type": "ping"} with the company's snapshot
    (read in the company's schema), and forwards events published to the group."""

    async def connect(self):
        self.group = events_group(self.scope["schema_name"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            snapshot = await in_company(self.scope, _company_snapshot)
            await self.send_json(
                {"type": "pong", "company": self.scope["company"].slug, **snapshot}
            )

    async def company_event(self, event):
        await self.send_json(
            {"type": "event", "event": event.get("event"), "data": event.get("data", {})}
        )
