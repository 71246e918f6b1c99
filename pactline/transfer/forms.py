"""Forms of the import, feed and closure pages. They only read input; services write."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.accounts.terminology import Terms, terms_of
from pactline.contracts.models import Contract
from pactline.transfer.importing import FIELDS, ImportOptions
from pactline.transfer.importing.types import Preview
from pactline.transfer.limits import limit
from pactline.transfer.models import FeedScope, ImportMapping
from pactline.web.forms import DateInput, DomainForm

DATE_ORDER_CHOICES = [
    ("auto", "Decide from the file (ask me when unsure)"),
    ("dmy", "Day first: 31/12/2027"),
    ("mdy", "Month first: 12/31/2027"),
]
ENCODING_CHOICES = [
    ("", "Detect (UTF-8, else Windows-1252)"),
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252 (Excel on Windows)"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("utf-16", "UTF-16"),
]
DELIMITER_CHOICES = [
    ("", "Detect"),
    (",", "Comma ,"),
    (";", "Semicolon ;"),
    ("tab", "Tab"),
    ("|", "Bar |"),
]
FORMAT_CHOICES = [
    ("auto", "Detect from the file"),
    ("csv", "CSV"),
    ("xlsx", "Excel workbook (.xlsx)"),
    ("mspdi", "Microsoft Project XML (.xml)"),
    ("gan", "GanttProject (.gan)"),
]
FIELD_CHOICES = [("", "— ignore this column —")] + [
    (name, spec.label) for name, spec in FIELDS.items()
]
IMPORT_ACCEPT = ".csv,.tsv,.txt,.xlsx,.xlsm,.xml,.gan"


class _ImportOptionsForm(DomainForm):
    """The options the upload page and the preview's "read again" form share."""

    date_order = forms.ChoiceField(
        label="Dates like 03/04/2027", choices=DATE_ORDER_CHOICES, initial="auto"
    )
    encoding = forms.ChoiceField(
        label="Text encoding (CSV)", choices=ENCODING_CHOICES, required=False
    )
    delimiter = forms.ChoiceField(
        label="Column separator (CSV)", choices=DELIMITER_CHOICES, required=False
    )
    contract_number = forms.CharField(
        label="Contract number for the plan",
        max_length=64,
        required=False,
        help_text="Project plans only: the contract that receives the plan's milestones "
        "(created when new).",
    )
    contract_title = forms.CharField(
        label="Title of a new contract",
        max_length=300,
        required=False,
        help_text="Project plans only; defaults to the plan's title.",
    )
    all_tasks = forms.BooleanField(
        label="Import every task, not only milestone tasks",
        required=False,
        help_text="Project plans only.",
    )

    def rename(self, words: Terms) -> _ImportOptionsForm:
        """Labels in the organisation's words (the plan's "milestone tasks" stay: a
        project-plan term)."""
        self.fields["contract_number"].label = f"{words.contract} number for the plan"
        self.fields["contract_number"].help_text = (
            f"Project plans only: the {words.contract_lower} that receives the plan's "
            f"{words.milestones_lower} (created when new)."
        )
        self.fields["contract_title"].label = f"Title of a new {words.contract_lower}"
        return self

    def apply(self, options: ImportOptions) -> ImportOptions:
        data = self.cleaned_data
        options.date_order = data["date_order"]
        options.encoding = data["encoding"] or None
        options.delimiter = {"tab": "\t"}.get(data["delimiter"], data["delimiter"]) or None
        options.contract_number = data["contract_number"].strip() or None
        options.contract_title = data["contract_title"].strip() or None
        options.all_tasks = bool(data["all_tasks"])
        return options


class ImportUploadForm(_ImportOptionsForm):
    what = "import"
    field_order = ["file", "format", "mapping_name", "sheet", "date_order"]

    file = forms.FileField(
        label="Spreadsheet or project plan",
        help_text="CSV, Excel (.xlsx), Microsoft Project XML (.xml) or GanttProject (.gan); "
        "one row per milestone, with the contract's columns repeated.",
        widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}),
    )
    format = forms.ChoiceField(label="File type", choices=FORMAT_CHOICES, initial="auto")
    mapping_name = forms.ChoiceField(
        label="Column mapping",
        required=False,
        help_text="A mapping saved from an earlier import, or suggested from the headers.",
    )
    sheet = forms.CharField(
        label="Sheet (Excel)",
        max_length=200,
        required=False,
        help_text="Leave empty for the first sheet with a header row.",
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rename(terms_of(actor.organisation))
        names = ImportMapping.objects.filter(organisation=actor.organisation).values_list(
            "name", flat=True
        )
        self.fields["mapping_name"].choices = [
            ("", "Suggest from the column headers"),
            *((n, n) for n in names),
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        maximum = limit("PACTLINE_IMPORT_MAX_BYTES")
        if upload is not None and upload.size > maximum:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {maximum:,}."
            )
        return upload

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        options = ImportOptions(
            format=data["format"],
            sheet=data["sheet"].strip() or None,
            mapping_name=data["mapping_name"] or None,
        )
        return self.apply(options)


class ImportOptionsForm(_ImportOptionsForm):
    """The preview's form: read the same file again with other options or another mapping.

    Each column is a hidden `header_N` with its name and a `field_N` select; the number of
    columns travels as `columns`, so the form can be rebuilt from what was posted.
    """

    what = "import"

    columns = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    sheet = forms.ChoiceField(label="Sheet", required=False)
    save_as = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        required=False,
        help_text="Saved mappings can be chosen on the next upload.",
    )

    def __init__(
        self,
        *args: Any,
        headers: list[str] | None = None,
        mapping: dict[str, str] | None = None,
        sheets: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            headers = self._posted_headers()
        headers = headers or []
        mapping = mapping or {}
        self.fields["columns"].initial = len(headers)
        self.initial.setdefault("columns", len(headers))
        for i, header in enumerate(headers):
            self.fields[f"header_{i}"] = forms.CharField(
                widget=forms.HiddenInput, initial=header, max_length=200, strip=False
            )
            self.fields[f"field_{i}"] = forms.ChoiceField(
                label=header, choices=FIELD_CHOICES, required=False, initial=mapping.get(header, "")
            )
        sheet_names = list(sheets or [])
        posted_sheet = self.data.get("sheet") if self.is_bound else None
        if posted_sheet and posted_sheet not in sheet_names:
            sheet_names.append(posted_sheet)
        self.fields["sheet"].choices = [("", "First sheet with a header row")] + [
            (s, s) for s in sheet_names
        ]
        self.has_sheets = bool(sheets)

    @classmethod
    def for_preview(cls, preview: Preview) -> ImportOptionsForm:
        options = preview.options
        return cls(
            headers=preview.headers,
            mapping=preview.mapping,
            sheets=preview.sheets,
            initial={
                "sheet": preview.sheet or options.sheet or "",
                "date_order": options.date_order,
                "encoding": options.encoding or "",
                "delimiter": {"\t": "tab"}.get(options.delimiter or "", options.delimiter or ""),
                "contract_number": options.contract_number or "",
                "contract_title": options.contract_title or "",
                "all_tasks": options.all_tasks,
            },
        )

    def _posted_headers(self) -> list[str]:
        try:
            count = int(self.data.get("columns", 0))
        except (TypeError, ValueError):
            count = 0
        count = max(0, min(count, limit("PACTLINE_IMPORT_MAX_COLUMNS")))
        return [str(self.data.get(f"header_{i}", "")) for i in range(count)]

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"field_{i}"] for i in range(self.fields["columns"].initial or 0)]

    def mapping(self) -> dict[str, str] | None:
        """{header: field} as chosen ("" ignores a column); None when the file has no columns."""
        count = self.fields["columns"].initial or 0
        if not count:
            return None
        data = self.cleaned_data
        return {data[f"header_{i}"]: data.get(f"field_{i}", "") for i in range(count)}

    def options(self, current: ImportOptions) -> ImportOptions:
        options = self.apply(current)
        options.sheet = self.cleaned_data["sheet"] or None
        mapping = self.mapping()
        if mapping is not None:
            options.mapping, options.mapping_name = mapping, None
        return options


class CommitForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    override_conflicts = forms.BooleanField(
        label="Override conflicts: apply the file's values even to rows changed in the app "
        "since the export",
        required=False,
    )


class PickForm(forms.Form):
    """A POST that names one object by id (revoke a feed, remove a closure day...)."""

    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class FeedForm(DomainForm):
    what = "feed"
    field_map = {"contract_id": "contract"}

    scope = forms.ChoiceField(
        label="Which milestones",
        choices=[
            (FeedScope.MINE.value, "Mine: milestones I own or approve"),
            (FeedScope.CONTRACT.value, "One contract's milestones"),
            (FeedScope.ORGANISATION.value, "Every milestone I can see in the organisation"),
        ],
        widget=forms.RadioSelect,
        initial=FeedScope.MINE.value,
    )
    contract = forms.ModelChoiceField(
        label="Contract (for one contract's milestones)",
        queryset=Contract.objects.none(),
        required=False,
        empty_label="Choose a contract",
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        w = terms_of(actor.organisation)
        self.fields["scope"].label = f"Which {w.milestones_lower}"
        self.fields["scope"].choices = [
            (FeedScope.MINE.value, f"Mine: {w.milestones_lower} I own or approve"),
            (FeedScope.CONTRACT.value, f"One {w.contract_lower}'s {w.milestones_lower}"),
            (
                FeedScope.ORGANISATION.value,
                f"Every {w.milestone_lower} I can see in the organisation",
            ),
        ]
        self.fields[
            "contract"
        ].label = f"{w.contract} (for one {w.contract_lower}'s {w.milestones_lower})"
        self.fields["contract"].empty_label = f"Choose a {w.contract_lower}"
        self.fields["contract"].queryset = permissions.visible_contracts(actor).order_by("number")
        self.fields["contract"].label_from_instance = lambda c: f"{c.number} · {c.title}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("scope") == FeedScope.CONTRACT and not cleaned.get("contract"):
            self.add_error("contract", "Choose the contract.")
        return cleaned


class ClosureForm(DomainForm):
    what = "closure day"

    date = forms.DateField(label="Date", widget=DateInput())
    name = forms.CharField(label="Name", max_length=200, help_text="e.g. Company holiday")


class ClosureImportForm(DomainForm):
    what = "closure days"

    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="All-day and multi-day events become closure days; recurring events are "
        "skipped (holiday calendars list each year's days).",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
