"""What chat messages say, shared by the chat channel packages: a headline, facts, a link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChatMessage:
    headline: str
    facts: list[tuple[str, str]]
    url: str


def chat_message(payload: dict[str, Any]) -> ChatMessage:
    """From a webhook payload: the milestone, contract, due date, owner and a link."""
    data = payload.get("data") or {}
    milestone = data.get("milestone") or {}
    contract = data.get("contract") or {}
    facts: list[tuple[str, str]] = []
    if milestone:
        facts.append(("Milestone", milestone.get("title", "")))
    if contract:
        facts.append(("Contract", f"{contract.get('number', '')} {contract.get('title', '')}"))
    due = milestone.get("due_date") or (payload.get("changes") or {}).get("date", {}).get("after")
    if due:
        facts.append(("Due", str(due)))
    owner = (milestone.get("owner") or contract.get("owner") or {}).get("name")
    if milestone or contract:
        facts.append(("Owner", owner or "nobody"))
    url = milestone.get("url") or contract.get("url") or ""
    return ChatMessage(str(payload.get("summary") or payload.get("type", "")), facts, url)
