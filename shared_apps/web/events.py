"""Publishing to a company's live clients (called by services, after commit)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from .consumers import events_group


def publish(event: str, data: dict) -> None:
    """Send an event to the live pages of the current company, once the transaction commits."""
    schema = connection.schema_name

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                events_group(schema), {"type": "company.event", "event": event, "data": data}
            )

    transaction.on_commit(send)
