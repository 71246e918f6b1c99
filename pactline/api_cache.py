"""Answers of hot API lists kept per process, exact by construction (issue 9).

An answer is stored under everything it depends on:

- the organisation and its *generation*: its `revision`, which every write that changes what
  a list shows moves on in the write's own transaction (each audited change, through
  `activity.record_many`; the schedule's writes of forecasts and traces; the penalty refresh),
  the organisation's today and the quarter-hour (health and "due soon" move with the date in
  every time zone; all offsets are multiples of 15 minutes). The revision is read with the
  request's authentication, before the list's own queries, so a stored answer is never older
  than the revision it is stored under;
- the person and their membership (role, guest party), which decide what they may see and
  which transitions each row offers;
- the path and the query string, parameters sorted.

So a change is visible to the next request after it commits, in every process; nothing is
invalidated by hand. Only the current generation of each organisation is kept: when a newer
one is seen, the organisation's older answers are dropped at once (they can never be served
again), so a busy organisation holds few answers and memory stays flat under writes. The whole
store is bounded by `PACTLINE_ANSWER_CACHE_MB` of answer bytes per process, least recently
used first out (0 switches answer caching off).

The key is also the answer's ETag: a client that sends it back in `If-None-Match` gets 304
without the list being read. `/metrics` counts answers by source
(`pactline_api_answers_total`: stored, computed, not_modified).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cachetools import LRUCache
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from pactline.accounts.permissions import Actor
from pactline.milestones.queries import portfolio_today
from pactline.ops.metrics import API_ANSWERS

Generation = tuple[int, str, int]  # revision, the organisation's today, quarter-hour
Answer = tuple[bytes, str]  # content, content type


class AnswerStore:
    """Answers of each organisation's current generation, bounded in bytes; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._answers: LRUCache[tuple[int, str], Answer] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=_size
        )
        self._current: dict[int, Generation] = {}
        self._keys: dict[int, set[str]] = {}

    def get(self, org_id: int, generation: Generation, key: str) -> Answer | None:
        with self._lock:
            if self._current.get(org_id) != generation:
                return None
            return self._answers.get((org_id, key))

    def put(self, org_id: int, generation: Generation, key: str, answer: Answer) -> None:
        if _size(answer) > self.max_bytes:
            return
        with self._lock:
            current = self._current.get(org_id)
            if current != generation:
                if current is not None and not _newer(generation, current):
                    return  # computed from an older revision than one already seen
                for old in self._keys.pop(org_id, ()):
                    self._answers.pop((org_id, old), None)
                self._current[org_id] = generation
            self._answers[(org_id, key)] = answer
            self._keys.setdefault(org_id, set()).add(key)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._current.clear()
            self._keys.clear()

    @property
    def size(self) -> int:
        """Bytes of answers held (as counted against the bound)."""
        return int(self._answers.currsize)


def _size(answer: Answer) -> int:
    return len(answer[0]) + 200  # the content, and roughly what holds it


def _newer(candidate: Generation, current: Generation) -> bool:
    return candidate[0] >= current[0] and candidate[2] >= current[2]


_store: AnswerStore | None = None


def store() -> AnswerStore:
    global _store
    limit = int(settings.PACTLINE_ANSWER_CACHE_MB * 2**20)
    if _store is None or _store.max_bytes != limit:
        _store = AnswerStore(limit)
    return _store


def generation(actor: Actor) -> Generation:
    return actor.organisation.revision, str(portfolio_today(actor)), int(time.time() // 900)


def answer_key(request: HttpRequest, actor: Actor, gen: Generation) -> str:
    parts = (
        actor.organisation.pk,
        gen,
        actor.user_id,
        actor.role,
        actor.party_id,
        request.path,
        sorted(request.GET.lists()),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def cached_answer(
    request: HttpRequest, actor: Actor, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The stored answer for this request, or `render()`'s, stored when it is a 200."""
    org_id, gen = actor.organisation.pk, generation(actor)
    key = answer_key(request, actor, gen)
    etag = f'"{key}"'
    if etag in request.headers.get("If-None-Match", ""):
        API_ANSWERS.labels("not_modified").inc()
        return _tagged(HttpResponseNotModified(), etag)
    answers = store()
    if answers.max_bytes <= 0:
        API_ANSWERS.labels("computed").inc()
        return _tagged(render(), etag)
    hit = answers.get(org_id, gen, key)
    if hit is None:
        with _computing(key):  # one thread computes; the others of this process wait for it
            hit = answers.get(org_id, gen, key)
            if hit is None:
                API_ANSWERS.labels("computed").inc()
                response = render()
                if response.status_code == 200:
                    answers.put(org_id, gen, key, (response.content, response["Content-Type"]))
                return _tagged(response, etag)
    API_ANSWERS.labels("stored").inc()
    content, content_type = hit
    return _tagged(HttpResponse(content, content_type=content_type), etag)


def _tagged(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # browsers revalidate with the ETag
    return response


_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


@contextmanager
def _computing(key: str) -> Iterator[None]:
    """Requests for the same answer that arrive while it is being computed wait for it instead
    of computing it again (a burst after each change would otherwise cost a page per thread)."""
    with _locks_lock:
        lock = _locks.setdefault(key, threading.Lock())
    try:
        with lock:
            yield
    finally:
        with _locks_lock:
            if not lock.locked():
                _locks.pop(key, None)
