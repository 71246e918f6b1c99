"""Users, organisations (the tenants), memberships with roles, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"
    GUEST = "guest", "Guest"


# Higher rank = more rights. A guest (a person of a counterparty, bound to a party) sits below
# viewer: rank comparisons never give a guest anything; guests' rights are named one by one.
ROLE_RANK = {
    Role.GUEST: 5,
    Role.VIEWER: 10,
    Role.MEMBER: 20,
    Role.MANAGER: 30,
    Role.ADMIN: 40,
    Role.OWNER: 50,
}


class Organisation(models.Model):
    """The tenant: every business row belongs to exactly one organisation."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    default_time_zone = models.CharField(max_length=64, default="UTC")
    default_currency = models.CharField(max_length=3, default="EUR")
    # Head of the tamper-evident event chain; updated under a row lock with every event.
    audit_seq = models.BigIntegerField(default=0)
    audit_head = models.CharField(max_length=64, blank=True, default="")
    # Bumped by every write that changes what the organisation's lists show, in the write's
    # transaction: each event appended, and the derived writes that append none (forecasts,
    # penalty figures). Cached API answers are keyed on it (pactline.api_cache).
    revision = models.BigIntegerField(default=0)
    # The organisation's words for Milestone, Contract, Party and their plurals in the UI and
    # e-mails (pactline.accounts.terminology); the API's names never change.
    terminology = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    # A guest's counterparty: the guest sees only contracts this party is a party to.
    party = models.ForeignKey(
        "contracts.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="guests"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership"),
            models.CheckConstraint(
                condition=models.Q(role="guest", party__isnull=False)
                | (~models.Q(role="guest") & models.Q(party__isnull=True)),
                name="guest_has_party",
            ),
        ]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do: read (GET only), or read and write. OAuth's space-separated form."""

    READ = "read", "Read only"
    READ_WRITE = "read write", "Read and write"


class ApiToken(models.Model):
    """A personal bearer token; only its SHA-256 is stored, the raw value is shown once."""

    PREFIX = "pl_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, default="token")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    scopes = models.CharField(
        max_length=16, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes.split()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation with a role (a guest: with a party).

    The link's token is shown only in the e-mail; only its SHA-256 is stored.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    party = models.ForeignKey(
        "contracts.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation} ({self.role})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class TotpDevice(models.Model):
    """A person's authenticator app: RFC 6238 codes (30 seconds, 6 digits). The secret must be
    readable to check codes; it is stored encrypted (Fernet, a key derived from SECRET_KEY, see
    `accounts.crypto`), so a copy of the database alone does not give second factors away.
    `last_step` makes each code work once."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    encrypted_secret = models.CharField(max_length=255)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"authenticator of {self.user}"

    @property
    def secret(self) -> str:
        from pactline.accounts.crypto import decrypt

        return decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        from pactline.accounts.crypto import encrypt

        self.encrypted_secret = encrypt(value)
