"""Notification channels: one package each (email, in_app, webhook, slack, teams...).

Every package has the same shape: `transport.py` with `notify(message, delivery)` that raises
`DeliveryError(permanent=...)` on failure, and an `__init__.py` that registers a `Channel`.
`registry.discover()` imports every subpackage, so a new channel touches no central list.
"""
