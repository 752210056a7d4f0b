from django.urls import path

from shared_apps.web.consumers import CompanyEventsConsumer

websocket_urlpatterns = [
    path("ws/c/<slug:route>/events/", CompanyEventsConsumer.as_asgi()),
]
