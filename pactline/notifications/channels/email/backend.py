"""The embedded default: each message becomes one .eml file under DATA_DIR/mail.

Nothing leaves the machine, and admins can read what would have been sent in the app (the
"Sent mail" page). Set EMAIL_URL to send through an SMTP server instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, file_path: str | None = None, fail_silently: bool = False, **kwargs: Any):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
            tmp = self.path / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes(linesep="\n"))
            os.replace(tmp, self.path / name)  # readers never see half a file
        return len(email_messages)
