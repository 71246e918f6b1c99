"""In-app: the notification inbox."""

from pactline.notifications.channels.in_app.transport import notify
from pactline.notifications.channels.registry import Channel, register

register(Channel(name="in_app", label="In-app", notify=notify, personal=True))
