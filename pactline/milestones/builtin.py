"""Built-in milestone templates, shared by every organisation (installed by a migration)."""

from __future__ import annotations

from typing import Any

STANDARD_DELIVERY = "standard-delivery"

BUILTIN_TEMPLATES: list[dict[str, Any]] = [
    {
        "key": STANDARD_DELIVERY,
        "name": "Standard delivery project",
        "description": (
            "The six milestones of a typical delivery contract, each due a number of working "
            "days after the one before it (the first after the contract start), with payment "
            "shares adding up to 100%."
        ),
        "items": [
            {
                "title": "Project initiation",
                "kind": "initiation",
                "offset": 5,
                "payment_share": "10",
                "checklist": ["Kick-off meeting held", "Project team named", "Project plan agreed"],
            },
            {
                "title": "Design approval",
                "after": True,
                "kind": "design_approval",
                "offset": 15,
                "payment_share": "20",
                "checklist": [
                    "Design document delivered",
                    "Design review held",
                    "Design signed off by the client",
                ],
            },
            {
                "title": "Development complete",
                "after": True,
                "kind": "development_complete",
                "offset": 40,
                "payment_share": "30",
                "checklist": [
                    "All agreed features implemented",
                    "Code reviewed",
                    "Release candidate delivered",
                ],
            },
            {
                "title": "User acceptance testing",
                "after": True,
                "kind": "user_acceptance",
                "offset": 15,
                "payment_share": "20",
                "checklist": ["Test plan agreed", "Acceptance tests run", "Defects resolved"],
            },
            {
                "title": "Deployment and go-live",
                "after": True,
                "kind": "go_live",
                "offset": 10,
                "payment_share": "10",
                "checklist": [
                    "Deployment plan approved",
                    "Production deployment done",
                    "Go-live confirmed",
                ],
            },
            {
                "title": "Completion",
                "after": True,
                "kind": "completion",
                "offset": 20,
                "payment_share": "10",
                "checklist": [
                    "Handover documentation delivered",
                    "Final acceptance signed",
                    "Final invoice sent",
                ],
            },
        ],
    }
]


def install(template_model: Any, item_model: Any, checklist_model: Any) -> None:
    """Create or refresh the built-in templates; takes models so migrations can pass theirs."""
    for spec in BUILTIN_TEMPLATES:
        template, _ = template_model.objects.update_or_create(
            organisation=None,
            builtin_key=spec["key"],
            defaults={"name": spec["name"], "description": spec["description"]},
        )
        template.items.all().delete()
        previous = None
        for position, item in enumerate(spec["items"]):
            # "after": due that many working days after the previous item, so a slip cascades.
            after = item.get("after") and previous is not None
            row = item_model.objects.create(
                template=template,
                position=position,
                title=item["title"],
                kind=item["kind"],
                anchor="milestone" if after else "contract_start",
                anchor_item=previous if after else None,
                offset=item["offset"],
                unit="working_days",
                payment_share=item["payment_share"],
            )
            for index, title in enumerate(item["checklist"]):
                checklist_model.objects.create(item=row, title=title, position=index)
            previous = row
