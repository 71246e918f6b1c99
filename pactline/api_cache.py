"""Answers of hot API lists kept per process, exact by construction (issue 9).

An answer is stored under a key made of everything it depends on:

- the organisation and its `revision`, which every write that changes what a list shows bumps
  in the write's own transaction (each audited change, through `activity.record_many`; the
  schedule's writes of forecasts and traces; the penalty refresh). The revision is read with
  the request's authentication, before the list's own queries, so a stored answer is never
  older than the revision it is stored under;
- the person and their membership (role, guest party), which decide what they may see and
  which transitions each row offers;
- the organisation's today and the quarter-hour, because health and "due soon" move with the
  date in every time zone (all offsets are multiples of 15 minutes);
- the path and the query string, parameters sorted.

So a change is visible to the next request after it commits, in every process; nothing is
ever invalidated by hand. The same key is the answer's ETag: a client that sends it back in
`If-None-Match` gets 304 without the list being read at all.

The store is the `answers` cache (settings.CACHES): in-process memory, bounded by
`PACTLINE_ANSWER_CACHE_ENTRIES` (0 switches answer caching off).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from pactline.accounts.permissions import Actor
from pactline.milestones.scheduling import local_today


def answer_key(request: HttpRequest, actor: Actor) -> str:
    org = actor.organisation
    query = sorted(request.GET.lists())
    parts = (
        org.pk,
        org.revision,
        local_today(org.default_time_zone),
        int(time.time() // 900),
        actor.user_id,
        actor.role,
        actor.party_id,
        request.path,
        query,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def cached_answer(
    request: HttpRequest, actor: Actor, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The stored answer for this request, or `render()`'s, stored when it is a 200."""
    key = answer_key(request, actor)
    etag = f'"{key}"'
    if etag in request.headers.get("If-None-Match", ""):
        return _tagged(HttpResponseNotModified(), etag)
    store = caches["answers"]
    hit = store.get(key)
    if hit is not None:
        content, content_type = hit
        return _tagged(HttpResponse(content, content_type=content_type), etag)
    response = render()
    if response.status_code == 200:
        store.set(key, (response.content, response["Content-Type"]))
    return _tagged(response, etag)


def _tagged(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # browsers revalidate with the ETag
    return response
