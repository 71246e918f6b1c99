"""Every web page, each named: the permission test matrix is generated from these names."""

from django.urls import include, path

from pactline.contracts import views as contracts
from pactline.milestones import views as milestones
from pactline.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("login/", web.SignInView.as_view(), name="login"),
    path("logout/", web.SignOutView.as_view(), name="logout"),
    path("organisation/switch/", web.switch_organisation, name="org-switch"),
    # contracts
    path("contracts/", contracts.contract_list_view, name="contract-list"),
    path("contracts/new/", contracts.contract_create, name="contract-create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract-edit"),
    path("contracts/<int:pk>/close/", contracts.contract_close, name="contract-close"),
    path("contracts/<int:pk>/delete/", contracts.contract_delete, name="contract-delete"),
    path("contracts/<int:pk>/history/", contracts.contract_history_view, name="contract-history"),
    path("contracts/<int:pk>/timeline.svg", contracts.contract_timeline, name="contract-timeline"),
    path(
        "contracts/<int:pk>/milestones/new/", milestones.milestone_create, name="milestone-create"
    ),
    path(
        "contracts/<int:pk>/apply-template/",
        milestones.contract_apply_template,
        name="contract-apply-template",
    ),
    path(
        "contracts/<int:pk>/save-as-template/",
        milestones.contract_save_template,
        name="contract-save-template",
    ),
    path("contracts/<int:pk>/what-if/", milestones.contract_what_if, name="contract-what-if"),
    path(
        "contracts/<int:pk>/what-if/apply/",
        milestones.contract_what_if_apply,
        name="contract-what-if-apply",
    ),
    path("contracts/<int:pk>/series/new/", milestones.series_create, name="series-create"),
    # milestones and their checklists
    path("milestones/<int:pk>/", milestones.milestone_detail, name="milestone-detail"),
    path("milestones/<int:pk>/edit/", milestones.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/delete/", milestones.milestone_delete, name="milestone-delete"),
    path("milestones/<int:pk>/status/", milestones.milestone_status, name="milestone-status"),
    path("milestones/<int:pk>/move/", milestones.milestone_move, name="milestone-move"),
    path("milestones/<int:pk>/checklist/", milestones.checklist_add, name="checklist-add"),
    path("milestones/<int:pk>/what-if/", milestones.milestone_what_if, name="milestone-what-if"),
    path(
        "milestones/<int:pk>/what-if/apply/",
        milestones.milestone_what_if_apply,
        name="milestone-what-if-apply",
    ),
    path("milestones/<int:pk>/dependencies/", milestones.dependency_add, name="dependency-add"),
    path("dependencies/<int:pk>/delete/", milestones.dependency_remove, name="dependency-remove"),
    path("checklist/<int:pk>/toggle/", milestones.checklist_toggle, name="checklist-toggle"),
    path("checklist/<int:pk>/delete/", milestones.checklist_delete, name="checklist-delete"),
    # parties and contacts
    path("parties/", contracts.party_list, name="party-list"),
    path("parties/new/", contracts.party_create, name="party-create"),
    path("parties/<int:pk>/", contracts.party_detail, name="party-detail"),
    path("parties/<int:pk>/edit/", contracts.party_edit, name="party-edit"),
    path("parties/<int:pk>/delete/", contracts.party_delete, name="party-delete"),
    path("parties/<int:pk>/contacts/new/", contracts.contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", contracts.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", contracts.contact_delete, name="contact-delete"),
    # milestone templates
    path("templates/", milestones.template_list, name="template-list"),
    path("templates/new/", milestones.template_create, name="template-create"),
    path("templates/<int:pk>/", milestones.template_detail, name="template-detail"),
    path("templates/<int:pk>/edit/", milestones.template_edit, name="template-edit"),
    path("templates/<int:pk>/duplicate/", milestones.template_duplicate, name="template-duplicate"),
    path("templates/<int:pk>/delete/", milestones.template_delete, name="template-delete"),
    path("", include("pactline.review.urls")),  # key dates from the contract text
]
