"""Milestone templates: list, page, create, edit, duplicate, delete, apply, save from contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pactline.milestones import services
from pactline.milestones.models import MilestoneTemplate
from tests.web.conftest import text


def formset(
    items: list[dict[str, object]], initial: int = 0, extra: int = 0, **main: object
) -> dict[str, object]:
    """POST data for the template form: main fields plus the items formset."""
    data: dict[str, object] = {
        "items-TOTAL_FORMS": len(items) + extra,
        "items-INITIAL_FORMS": initial,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
        "name": "Support contract",
        "description": "Yearly support",
    }
    data.update(main)
    for index, item in enumerate(items):
        row = {
            "title": "",
            "kind": "custom",
            "anchor": "contract_start",
            "anchor_item": "",
            "offset": 0,
            "unit": "working_days",
            "period_end": "none",
            "roll": "none",
            "payment_share": "",
            "description": "",
            "checklist": "",
            "ORDER": index + 1,
        }
        row.update(item)
        for key, value in row.items():
            data[f"items-{index}-{key}"] = value
    for index in range(len(items), len(items) + extra):
        data.update(
            {
                f"items-{index}-kind": "custom",
                f"items-{index}-anchor": "contract_start",
                f"items-{index}-offset": 0,
                f"items-{index}-unit": "working_days",
                f"items-{index}-period_end": "none",
                f"items-{index}-roll": "none",
            }
        )
    return data


@pytest.fixture
def own_template(manager):
    return services.create_template(
        manager,
        "Support contract",
        "Yearly support",
        [
            {
                "title": "Onboarding",
                "kind": "initiation",
                "anchor": "contract_start",
                "offset": 5,
                "unit": "working_days",
                "checklist": ["Accounts created"],
            },
            {
                "title": "Quarterly review",
                "kind": "report",
                "anchor": "contract_start",
                "offset": 3,
                "unit": "months",
                "payment_share": 25,
            },
        ],
    )


def test_list_marks_builtin_read_only(login, standard_template, own_template):
    body = text(login("viewer").get(reverse("template-list")))
    assert "Standard delivery project" in body and "Built-in, read-only" in body
    assert "Support contract" in body
    assert "New template" not in body


def test_builtin_template_page_offers_only_duplicate(login, standard_template):
    body = text(login("manager").get(reverse("template-detail", args=[standard_template.pk])))
    assert (
        "User acceptance testing" in body and "15 working days after Development complete" in body
    )
    assert "Kick-off meeting held" in body
    assert "Duplicate" in body and "Edit template" not in body
    client = login("manager")
    assert client.get(reverse("template-edit", args=[standard_template.pk])).status_code == 403
    assert client.post(reverse("template-delete", args=[standard_template.pk])).status_code == 403


def test_create_template_with_items(login, world):
    client = login("manager")
    assert client.get(reverse("template-create")).status_code == 200
    data = formset(
        [
            {
                "title": "Kick-off",
                "kind": "initiation",
                "offset": 2,
                "checklist": "Agenda\r\nMinutes",
            },
            {
                "title": "Final payment",
                "kind": "payment",
                "anchor": "contract_end",
                "offset": -10,
                "unit": "calendar_days",
                "payment_share": "100",
            },
        ],
        extra=1,
    )
    response = client.post(reverse("template-create"), data)
    assert response.status_code == 302, text(response)[:3000]
    template = MilestoneTemplate.objects.get(name="Support contract")
    assert template.organisation == world.acme
    items = list(template.items.order_by("position"))
    assert [i.title for i in items] == ["Kick-off", "Final payment"]
    assert items[1].offset == -10 and items[1].anchor == "contract_end"
    assert [c.title for c in items[0].checklist.all()] == ["Agenda", "Minutes"]


def test_template_errors_land_on_the_item(login, own_template):
    data = formset([{"title": "Kick-off", "payment_share": "150"}], name="Other")
    response = login("manager").post(reverse("template-create"), data)
    assert response.status_code == 422
    body = text(response)
    assert "less than or equal to 100" in body[body.index('id="id_items-0-payment_share_error"') :]
    response = login("manager").post(
        reverse("template-create"), formset([{"title": "A"}], name="Support contract")
    )
    assert response.status_code == 422
    assert "already exists" in text(response)


def test_edit_template_reorders_removes_and_adds(login, own_template):
    client = login("manager")
    url = reverse("template-edit", args=[own_template.pk])
    page = text(client.get(url))
    assert 'value="Onboarding"' in page and 'value="Quarterly review"' in page
    data = formset(
        [
            {"title": "Onboarding", "kind": "initiation", "offset": 5, "ORDER": 2},
            {
                "title": "Quarterly review",
                "kind": "report",
                "offset": 3,
                "unit": "months",
                "DELETE": "on",
            },
            {"title": "Renewal", "anchor": "contract_end", "offset": -20, "ORDER": 1},
        ],
        initial=2,
        name="Support contract v2",
        version=own_template.version,
    )
    response = client.post(url, data)
    assert response.status_code == 302, text(response)[:3000]
    own_template.refresh_from_db()
    assert own_template.name == "Support contract v2"
    assert [i.title for i in own_template.items.order_by("position")] == ["Renewal", "Onboarding"]
    stale = client.post(url, data)
    assert stale.status_code == 409
    assert "changed by someone else" in text(stale)


def test_duplicate_template(login, standard_template, world):
    client = login("manager")
    url = reverse("template-duplicate", args=[standard_template.pk])
    assert 'value="Copy of Standard delivery project"' in text(client.get(url))
    response = client.post(url, {"name": "Our delivery project"})
    assert response.status_code == 302
    copy = MilestoneTemplate.objects.get(name="Our delivery project")
    assert copy.organisation == world.acme
    assert copy.items.count() == 6
    duplicate_name = client.post(url, {"name": "Our delivery project"})
    assert duplicate_name.status_code == 422


def test_delete_template(login, own_template):
    url = reverse("template-delete", args=[own_template.pk])
    assert login("member").post(url).status_code == 403
    assert login("manager").post(url).status_code == 302
    assert not MilestoneTemplate.objects.filter(pk=own_template.pk).exists()


def test_save_contract_as_template_and_apply_it(login, contract, manager, frozen_today):
    services.create_milestone(
        manager,
        contract,
        {
            "title": "Kick-off",
            "due_anchor": "contract_start",
            "due_offset": 3,
            "due_unit": "working_days",
            "checklist": ["Agenda"],
        },
    )
    services.create_milestone(
        manager, contract, {"title": "Audit", "due_date": dt.date(2027, 2, 3)}
    )
    client = login("manager")
    url = reverse("contract-save-template", args=[contract.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Billing template"})
    assert response.status_code == 302
    template = MilestoneTemplate.objects.get(name="Billing template")
    items = list(template.items.order_by("position"))
    assert [(i.title, i.offset, i.unit) for i in items] == [
        ("Kick-off", 3, "working_days"),
        ("Audit", 30, "calendar_days"),
    ]
    response = client.post(
        reverse("contract-apply-template", args=[contract.pk]), {"template": template.pk}
    )
    assert response.status_code == 302
    assert contract.milestones.count() == 4
    page = client.get(reverse("contract-detail", args=[contract.pk]))
    assert "Template Billing template applied: 2 milestones added." in text(page)


def test_apply_template_needs_a_visible_template(login, contract, world):
    foreign = MilestoneTemplate.objects.create(organisation=world.rival, name="Secret")
    response = login("manager").post(
        reverse("contract-apply-template", args=[contract.pk]), {"template": foreign.pk}
    )
    assert response.status_code == 422
    assert contract.milestones.count() == 0


def test_members_may_not_manage_templates(login, own_template, contract):
    client = login("member")
    assert client.get(reverse("template-create")).status_code == 403
    assert (
        client.post(
            reverse("template-duplicate", args=[own_template.pk]), {"name": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("contract-save-template", args=[contract.pk]), {"name": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("contract-apply-template", args=[contract.pk]), {"template": own_template.pk}
        ).status_code
        == 403
    )


def test_another_organisations_template_is_404(login, own_template):
    client = login("outsider")
    for name in ("template-detail", "template-edit", "template-duplicate", "template-delete"):
        assert client.get(reverse(name, args=[own_template.pk])).status_code == 404, name


def test_add_a_row_without_javascript_keeps_what_was_typed(login):
    data = formset([{"title": "Kick-off"}], name="Half done")
    data["add_row"] = "1"
    response = login("manager").post(reverse("template-create"), data)
    assert response.status_code == 200
    body = text(response)
    assert 'value="Kick-off"' in body and 'value="Half done"' in body
    assert 'name="items-1-title"' in body
    assert "errorlist" not in body
    assert not MilestoneTemplate.objects.filter(name="Half done").exists()


# --- items that follow earlier items ----------------------------------------------------------


def test_items_follow_earlier_items_with_snap_and_roll(login):
    data = formset(
        [
            {"title": "Design", "offset": 5},
            {
                "title": "Invoice",
                "kind": "payment",
                "anchor": "milestone_done",
                "anchor_item": 1,
                "offset": 1,
                "unit": "months",
                "period_end": "month_end",
                "roll": "preceding",
            },
        ],
        extra=1,
    )
    client = login("manager")
    response = client.post(reverse("template-create"), data)
    assert response.status_code == 302, text(response)[:3000]
    design, invoice = MilestoneTemplate.objects.get(name="Support contract").items.order_by(
        "position"
    )
    assert invoice.anchor_item_id == design.pk
    assert (invoice.period_end, invoice.roll) == ("month_end", "preceding")
    body = text(client.get(response["Location"]))
    assert (
        "1 months after the completion of Design, then the end of the month; "
        "on a non-working day: previous working day"
    ) in body


def test_after_item_follows_the_row_through_a_reorder(login):
    """Row 2 follows row 1; moving row 2 first makes it refer to a later item: refused."""
    data = formset(
        [
            {"title": "Design", "offset": 5, "ORDER": 2},
            {"title": "Build", "anchor": "milestone", "anchor_item": 1, "ORDER": 1},
        ]
    )
    response = login("manager").post(reverse("template-create"), data)
    assert response.status_code == 422
    body = text(response)
    assert "earlier item" in body[body.index('id="id_items-1-anchor_item_error"') :][:300]


def test_following_an_item_needs_one(login):
    data = formset([{"title": "Build", "anchor": "milestone", "anchor_item": ""}])
    response = login("manager").post(reverse("template-create"), data)
    assert response.status_code == 422
    body = text(response)
    assert "earlier item" in body[body.index('id="id_items-0-anchor_item_error"') :][:300]


def test_edit_form_shows_which_item_an_item_follows(login, manager):
    template = services.create_template(
        manager,
        "Chained",
        "",
        [
            {"title": "Design", "offset": 5},
            {"title": "Build", "anchor": "milestone", "anchor_item": 0, "offset": 10},
        ],
    )
    body = text(login("manager").get(reverse("template-edit", args=[template.pk])))
    select = body[body.index('name="items-1-anchor_item"') :][:400]
    assert '<option value="1" selected>1. Design</option>' in select
