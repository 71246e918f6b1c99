"""Form plumbing shared by every app's web forms: service errors land on the right field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from pactline.errors import Conflict, ValidationFailed

T = TypeVar("T")

CONFLICT_MESSAGE = (
    "This {what} was changed by someone else while you were editing it. Reload the page to see "
    "the current version, then apply your change again."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def sentence(message: str) -> str:
    """Service messages are fragments ("is required"); shown under a field they start upper."""
    return message[:1].upper() + message[1:]


class DomainForm(forms.Form):
    """A form whose data goes to a service; the service's field errors come back here.

    `field_map` maps service field names to form field names (owner_id -> owner). `status` is
    the HTTP status to answer with: 200, 422 after validation errors, 409 after a conflict.
    """

    field_map: Mapping[str, str] = {}
    what = "record"
    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.status = 200

    def clean(self) -> dict[str, Any]:
        # Browsers send textarea line breaks as CRLF; store the text as it was typed.
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def add_domain_errors(self, errors: Mapping[str, list[str]]) -> None:
        for name, messages in errors.items():
            field = self.field_map.get(name, name)
            for message in messages:
                if field in self.fields:
                    self.add_error(field, sentence(message))
                else:
                    label = name.replace("_id", "").replace("_", " ")
                    self.add_error(None, f"{label.capitalize()}: {message}")
        self.status = 422

    def add_conflict(self) -> None:
        self.add_error(None, CONFLICT_MESSAGE.format(what=self.what))
        self.status = 409

    def validated(self) -> bool:
        """is_valid(), remembering a 422 for the response when it is not."""
        if self.is_valid():
            return True
        self.status = 422
        return False


def submit(form: DomainForm, action: Callable[[], T]) -> T | None:
    """Run a service call for `form`; on a domain error put it on the form and return None."""
    try:
        return action()
    except ValidationFailed as exc:
        form.add_domain_errors(exc.errors)
    except Conflict:
        form.add_conflict()
    return None


def quantized(value: Decimal | None, places: str) -> Decimal | None:
    """A decimal with the model's number of places, so 10 and 10.00 do not look like a change."""
    return None if value is None else value.quantize(Decimal(places))


class SignInForm(AuthenticationForm):
    """Django's sign-in form with an e-mail input; addresses are stored in lower case."""

    username = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    remember = forms.BooleanField(
        required=False, label="Keep me signed in", help_text="On this device, for two weeks."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class OrganisationSwitchForm(forms.Form):
    organisation = forms.IntegerField()
