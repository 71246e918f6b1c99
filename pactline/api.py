"""Assembles the REST API: one NinjaAPI, with the routers each app defines in its own api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Pactline API", version="1", urls_namespace="api")
