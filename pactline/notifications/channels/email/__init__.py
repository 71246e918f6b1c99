"""E-mail: HTML and plain text, one per message or a daily/weekly digest."""

from pactline.notifications.channels.email.transport import notify
from pactline.notifications.channels.registry import Channel, register

register(Channel(name="email", label="E-mail", notify=notify, personal=True))
