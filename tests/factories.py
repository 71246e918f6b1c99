"""factory-boy factories for the domain; tests build data through these or the services."""

from __future__ import annotations

import datetime as dt

import factory

from pactline.accounts.models import Membership, Organisation, User
from pactline.contracts.models import Contract, Party
from pactline.milestones.models import ChecklistItem, Milestone


class RowFactory(factory.django.DjangoModelFactory):
    """Rows written straight to the database, past the services, so past the organisation's
    revision that keys the stored API answers (pactline.api_cache): drop those answers, as if
    the row had always been there."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from pactline import api_cache

        made = super()._create(model_class, *args, **kwargs)
        api_cache.store().clear()
        return made


class OrganisationFactory(RowFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class UserFactory(RowFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.LazyAttribute(lambda u: u.email.split("@")[0].title())
    password = factory.PostGenerationMethodCall("set_password", "secret-pass")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(RowFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "member"


class PartyFactory(RowFactory):
    class Meta:
        model = Party

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Party {n}")
    kind = "vendor"


class ContractFactory(RowFactory):
    class Meta:
        model = Contract

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"C-{n:04d}")
    title = factory.Sequence(lambda n: f"Contract {n}")
    status = "active"
    currency = "EUR"
    value = factory.LazyFunction(lambda: __import__("decimal").Decimal("100000.00"))
    start_on = dt.date(2027, 1, 4)
    end_on = dt.date(2027, 12, 31)


class MilestoneFactory(RowFactory):
    class Meta:
        model = Milestone

    contract = factory.SubFactory(ContractFactory)
    organisation = factory.LazyAttribute(lambda m: m.contract.organisation)
    currency = factory.LazyAttribute(lambda m: m.contract.currency)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_anchor = "absolute"
    due_date = dt.date(2027, 3, 1)
    due_fixed = factory.LazyAttribute(lambda m: m.due_date)
    computed_due_date = factory.LazyAttribute(lambda m: m.due_date)
    baseline_due_date = factory.LazyAttribute(lambda m: m.due_date)
    position = factory.Sequence(lambda n: n)


class ChecklistItemFactory(RowFactory):
    class Meta:
        model = ChecklistItem

    milestone = factory.SubFactory(MilestoneFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
