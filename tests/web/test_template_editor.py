"""The template editor without a browser: previews save nothing, moves keep the links right,
errors name the item and the field, types come from the organisation."""

from __future__ import annotations

import pytest

from pactline.milestones import services
from pactline.milestones.models import MilestoneTemplate, MilestoneType
from tests.web.test_templates import formset

pytestmark = pytest.mark.django_db

ITEMS = [
    {"title": "Kick-off"},
    {"title": "Design", "anchor": "milestone", "anchor_item": 1, "offset": 10},
    {"title": "Go-live", "anchor": "milestone_done", "anchor_item": 2, "offset": 5},
]


def test_preview_shows_dates_for_a_calendar_and_saves_nothing(login, world) -> None:
    data = formset(ITEMS, preview="1")
    data.update(
        {
            "preview-start_on": "2027-12-20",
            "preview-calendar_country": "GB",
            "preview-workweek": ["0", "1", "2", "3", "4"],
        }
    )
    response = login("manager").post("/templates/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    # 10 working days after Mon 20 Dec 2027 in the UK skip Christmas and Boxing Day (observed
    # on 27 and 28 Dec) and New Year's Day (observed on 3 Jan 2028): Thu 6 Jan, not Mon 3 Jan.
    assert 'data-date="2027-12-20"' in page and 'data-date="2028-01-03"' not in page
    assert 'data-date="2028-01-06"' in page and "Boxing Day (observed)" in page
    assert not MilestoneTemplate.objects.filter(name="Support contract").exists()


def test_preview_errors_name_the_item_and_field(login, world) -> None:
    bad = [{"title": "Kick-off"}, {"title": "Design", "anchor": "milestone", "anchor_item": ""}]
    response = login("manager").post(
        "/templates/new/", {**formset(bad, preview="1"), "preview-start_on": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Milestone 2 “Design”, After item: must be the number of an earlier item" in page
    assert "is required to preview the dates" in page


def test_saving_errors_name_the_item_and_field(login, world) -> None:
    bad = [{"title": "Kick-off"}, {"title": "Design", "offset": "soon"}]
    response = login("manager").post("/templates/new/", formset(bad))
    assert response.status_code == 422
    assert "Milestone 2 “Design”, Offset: Enter a whole number." in response.content.decode()


def test_moving_a_row_keeps_what_follows_it(login, world) -> None:
    data = formset(ITEMS, move="2:up")  # Go-live above Design
    response = login("manager").post("/templates/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('value="Go-live"') < page.index('value="Design"')
    # Go-live (now row 2) still follows Design (now row 3), Design still follows Kick-off.
    assert '<option value="3" selected>' in page.split('name="items-1-anchor_item"')[1][:600]
    assert not MilestoneTemplate.objects.filter(name="Support contract").exists()


def test_items_offer_the_organisations_active_types(login, world) -> None:
    admin = world.actor("admin")
    services.create_type(admin, {"key": "audit", "name": "Site audit"})
    report = MilestoneType.objects.get(organisation=world.acme, key="report")
    services.update_type(admin, report, {"archived": True}, None)
    page = login("manager").get("/templates/new/").content.decode()
    assert ">Site audit</option>" in page and ">Report</option>" not in page
    saved = login("manager").post("/templates/new/", formset([{"title": "A", "kind": "audit"}]))
    assert saved.status_code == 302
    assert MilestoneTemplate.objects.get(name="Support contract").items.get().kind == "audit"


def test_copies_keep_an_archived_type_and_applying_gives_custom(login, world, contract) -> None:
    """Decision: a copied item keeps a type the organisation archived (a row keeps an archived
    type); a type the organisation does not have becomes Custom; applying a template gives a
    new milestone only an active type (an archived one becomes Custom)."""
    from pactline.milestones.models import Milestone
    from tests.factories import MilestoneFactory
    from tests.web.conftest import text

    admin = world.actor("admin")
    for key in ("initiation", "design_approval"):
        services.update_type(
            admin,
            MilestoneType.objects.get(organisation=world.acme, key=key),
            {"archived": True},
            None,
        )
    builtin = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
    manager = login("manager")
    copied = manager.post(
        f"/templates/{builtin.pk}/duplicate/", {"name": "Our delivery"}, follow=True
    )
    assert copied.status_code == 200
    assert "keep a type that is archived here" in text(copied)
    copy = MilestoneTemplate.objects.get(name="Our delivery")
    kinds = list(copy.items.order_by("position").values_list("kind", flat=True))
    assert kinds[:2] == ["initiation", "design_approval"]
    # From a contract whose milestones use the archived type (and one the organisation lost).
    MilestoneFactory(contract=contract, title="Kick-off", kind="initiation")
    MilestoneFactory(contract=contract, title="Odd", kind="vanished")
    saved = manager.post(
        f"/contracts/{contract.pk}/save-as-template/", {"name": "From ACME"}, follow=True
    )
    assert saved.status_code == 200, text(saved)
    assert "does not exist here, so it is Custom" in text(saved)
    made = MilestoneTemplate.objects.get(name="From ACME")
    assert sorted(made.items.values_list("kind", flat=True)) == ["custom", "initiation"]
    # Applying the copy: the archived types give Custom milestones, no 422.
    services.apply_template(world.actor("manager"), contract, copy.pk)
    applied = Milestone.objects.filter(contract=contract).exclude(title__in=["Kick-off", "Odd"])
    assert applied.exists()
    assert not applied.filter(kind__in=["initiation", "design_approval"]).exists()
