"""The event chain detects an edit made behind the application's back."""

from pactline.activity.models import Event
from pactline.activity.services import verify_chain
from pactline.contracts import services as contracts


def test_chain_is_intact_after_writes_and_broken_by_a_direct_edit(world, manager):
    contract = contracts.create_contract(manager, {"number": "C-1", "title": "A"})
    contracts.update_contract(manager, contract, {"title": "B"}, 1)
    contracts.update_contract(manager, contract, {"title": "C"}, 2)
    assert verify_chain(world.acme) is None
    events = list(Event.objects.filter(organisation=world.acme).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    Event.objects.filter(pk=events[1].pk).update(summary="nothing to see here")
    broken = verify_chain(world.acme)
    assert broken is not None and broken.seq == 2


def test_each_organisation_has_its_own_chain(world, manager, outsider):
    contracts.create_contract(manager, {"number": "C-1", "title": "A"})
    contracts.create_contract(outsider, {"number": "C-1", "title": "A"})
    assert Event.objects.get(organisation=world.rival).seq == 1
    assert verify_chain(world.rival) is None
