"""Real servers on loopback for the tests: an HTTP receiver that checks webhook signatures
and fails on purpose, and an SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from pactline.notifications.channels.webhook import signing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes
    signed_ok: bool | None
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """`fail_first` requests answer 500 (or `fail_status`), the rest 200."""

    secret: str = ""
    fail_first: int = 0
    fail_status: int = 500
    location: str = ""  # sent with a failing 3xx answer
    hits: list[Hit] = field(default_factory=list)
    port: int = 0  # 0: a free one; the port of a stopped receiver brings it back

    def __post_init__(self) -> None:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                header = self.headers.get(signing.HEADER)
                signed = signing.verify(receiver.secret, body, header) if header else None
                with lock:
                    failing = len(receiver.hits) < receiver.fail_first
                    status = receiver.fail_status if failing else 200
                    if signed is False:
                        status = 401
                    receiver.hits.append(Hit(self.path, dict(self.headers), body, signed, status))
                self.send_response(status)
                if receiver.location and 300 <= status < 400:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def accepted(self) -> list[Hit]:
        return [h for h in self.hits if h.status == 200]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Mail:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, kind: str) -> str:
        body = self.message.get_body(preferencelist=(kind,))
        return body.get_content() if body is not None else ""


class SmtpSink:
    """An SMTP server on loopback. `on_message(count)` may return an SMTP reply to refuse."""

    def __init__(
        self, on_message: Callable[[int], str | None] | None = None, port: int = 0
    ) -> None:
        self.mails: list[Mail] = []
        self.seen = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with sink.lock:
                    sink.seen += 1
                    count = sink.seen
                refusal = on_message(count) if on_message else None
                if refusal:
                    return refusal
                parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
                with sink.lock:
                    sink.mails.append(Mail(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
                return "250 OK"

        self.port = port or free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
