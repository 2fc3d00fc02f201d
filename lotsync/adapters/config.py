"""The configuration: a TOML file, validated on load before anything is read.

`load_config` returns a `Config` or raises `ConfigError`, whose lines each name
the file, the key and what is wrong with it.
"""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from lotsync.adapters import french
from lotsync.adapters.cron import DEFAULT_DIGEST, DEFAULT_SYNC, cron_trigger
from lotsync.adapters.sources import classify
from lotsync.core import french as core_french
from lotsync.core import layout
from lotsync.core.books import Rules, SharedTab
from lotsync.core.cells import Bounds, normalize
from lotsync.core.dossiers import Words
from lotsync.core.errors import UsageError
from lotsync.core.model import Member, SettlementMode
from lotsync.core.requests import RequestRules
from lotsync.core.split import SplitKeyError, resolve_key

ENV_VAR = "LOTSYNC_CONFIG"
DEFAULT_PATHS = ("lotsync.toml", "config/lotsync.toml")


class ConfigError(UsageError):
    """The configuration cannot be used; `lines` say where and why, in French."""

    def __init__(self, path: Path | str, lines: list[str]):
        self.path = str(path)
        self.lines = lines
        super().__init__("\n".join(f"{self.path}: {line}" for line in lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CollectiveConfig(_Strict):
    name: str = french.DEFAULT_COLLECTIVE
    timezone: str = "Europe/Paris"
    financial_year_start_month: int = Field(1, ge=1, le=12)
    emails: list[str] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(french.CONFIG_UNKNOWN_ZONE.format(value=value)) from exc
        return value


def _tab_name(value: str) -> str:
    if not value.strip():
        raise ValueError(french.CONFIG_EMPTY_TAB)
    return value


class MemberConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    source: str = Field(min_length=1)
    tab: str = french.DEFAULT_DOSSIER_TAB
    emails: list[str] = []
    intercommunalities: list[str] | None = None
    """The intercommunalities of its territory, by name or SIREN code, for routing requests; by
    default those of the collective's three offices (`territories.DEFAULT_INTERCOMMUNALITIES`)."""

    _tab = field_validator("tab")(_tab_name)

    def member(self) -> Member:
        return Member(self.id, self.name, tuple(self.aliases))


class SharedConfig(_Strict):
    source: str = Field(min_length=1)
    expenses_tab: str = layout.input_tab("expenses").name
    fees_tab: str = layout.input_tab("fees").name
    payments_tab: str = layout.input_tab("payments").name

    _tabs = field_validator("expenses_tab", "fees_tab", "payments_tab")(_tab_name)


class RequestsConfig(_Strict):
    """`[requests]`: the website's group requests (docs/requests.md)."""

    source: str | None = None
    """Another spreadsheet holding the requests tab; by default the shared one."""
    tab: str = layout.REQUESTS_INPUT.name
    reply_within_working_days: int = Field(2, ge=0, le=60)
    retention_months: int = Field(36, ge=1, le=240)
    assign: Literal["person", "suggested"] = "person"
    """suggested: a request no person assigned goes to the suggested office (and it is told)."""
    places: dict[str, str] = {}
    """Communes and named sites → member id (`"Gouffre de Padirac" = "dordogne"`)."""
    notify_within_days: int = Field(30, ge=1, le=366)
    """Only requests received this many days before the as-of date at most are notified: turning
    the feature on does not mail every request of past years."""

    _tab = field_validator("tab")(_tab_name)


class FeeConfig(_Strict):
    name: str = french.DEFAULT_FEE_NAME
    year: int = Field(ge=2000, le=2100)
    amount: Decimal = Field(gt=0, decimal_places=2)
    paid_by: str
    key: str = layout.EQUAL_SPLIT_WORDS[0]
    reimbursed: bool = False
    on: date | None = None


class GoogleConfig(_Strict):
    """How to reach Google: credentials, and how long to insist on a bad day."""

    credentials: str | None = None
    """A service-account key file; else $GOOGLE_APPLICATION_CREDENTIALS; else `lotsync login`'s token."""
    client_secrets: str | None = None
    """The OAuth client file (Desktop app) that `lotsync login` uses."""
    send_as: str | None = None
    """The Google Workspace user a service account sends the digests as, through domain-wide
    delegation (docs/google.md); Gmail refuses a service account that impersonates nobody."""
    endpoint: str | None = None
    """Only to try lotsync against the local emulator, e.g. "http://127.0.0.1:8765"."""
    timeout: float = Field(30, gt=0, le=600)
    """Seconds for one HTTP request."""
    max_tries: int = Field(6, ge=1, le=20)
    max_seconds: float = Field(120, gt=0, le=3600)
    """Total time one call may take, retries included."""
    concurrency: int = Field(4, ge=1, le=16)
    """Spreadsheets read at the same time."""


class MailConfig(_Strict):
    """How the weekly digests leave: an outbox folder (default), SMTP, or Gmail."""

    transport: Literal["outbox", "smtp", "gmail"] = "outbox"
    sender: str = "lotsync <lotsync@localhost>"
    outbox: str = "outbox"
    """Folder of .eml files and .html previews (relative to the configuration file)."""
    smtp_host: str = "localhost"
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user_env: str = "LOTSYNC_SMTP_USER"
    """The environment variable holding the SMTP login (never the login itself)."""
    smtp_password_env: str = "LOTSYNC_SMTP_PASSWORD"
    smtp_timeout: float = Field(30, gt=0, le=600)
    ledger: str | None = None
    """Local backend: the file of sent digests (default: beside the shared workbook)."""


def member_keys(word: str) -> set[str]:
    """How a member may be written in a sheet: normalized, with and without an "OT" prefix."""
    key = normalize(word)
    keys = {key} if key else set()
    for prefix in french.OFFICE_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :]:
            keys.add(key[len(prefix) :])
            break
    return keys


class ScheduleConfig(_Strict):
    """`lotsync run`: when to sync and send the digests, in the collective's time zone (cron syntax)."""

    sync: str = DEFAULT_SYNC
    """Minute, hour, day of month, month, day of week: every hour from 8:00 to 19:00, Monday to Saturday."""
    digest: str = DEFAULT_DIGEST
    """Monday 8:00 (a sync runs first)."""
    digest_grace_days: int = Field(3, ge=0, le=6)
    """A digest missed while lotsync was stopped is still sent at start-up within this many days."""
    failure_alert_after: int = Field(3, ge=1, le=1000)
    """Consecutive failed syncs before an alert mail to the collective's addresses."""
    state_file: str | None = None
    """Default: lotsync-state.json beside the configuration file."""
    lock_file: str | None = None
    """Default: lotsync.lock beside the configuration file."""
    lock_wait: float = Field(120, ge=0, le=3600)
    """Seconds a command that writes or sends waits for another one to finish before giving up."""

    @field_validator("sync", "digest")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            cron_trigger(value, "UTC")
        except (ValueError, TypeError) as exc:
            raise ValueError(french.CONFIG_BAD_CRON.format(value=value, error=exc)) from exc
        return value


class SettlementConfig(_Strict):
    mode: SettlementMode = SettlementMode.GROSS
    """gross: nothing netted (public offices); pair: each pair's two directions netted; minimal:
    the fewest transfers (see docs/domain.md, "Règlements")."""


class LimitsConfig(_Strict):
    """Beyond these a value is an anomaly, never a guess (see `lotsync.core.cells.Limits`)."""

    max_amount: Decimal = Field(Decimal("10000000"), gt=0, le=Decimal("1000000000"), decimal_places=2)
    """Euros: an amount above this in a sheet or in `[[fees]]` is refused."""
    max_pax: int = Field(10_000, ge=1, le=1_000_000)
    years_back: int = Field(30, ge=1, le=120)
    """A date more than this many years before the as-of date is implausible."""
    years_ahead: int = Field(10, ge=1, le=100)
    """A date more than this many years after the as-of date is implausible."""

    def bounds(self) -> Bounds:
        return Bounds(self.max_amount, self.max_pax, self.years_back, self.years_ahead)


class WordsConfig(_Strict):
    status: dict[str, list[str]] = {}
    kind: dict[str, list[str]] = {}
    direction: dict[str, list[str]] = {}


class Config(_Strict):
    """The whole configuration. Paths of local sources are made absolute on load."""

    backend: Literal["local", "google"] = "local"
    """How to read a bare source: a local path, or a Google Sheet id. URLs always say themselves."""
    collective: CollectiveConfig = CollectiveConfig()
    google: GoogleConfig = GoogleConfig()
    mail: MailConfig = MailConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    shared: SharedConfig
    members: list[MemberConfig] = Field(min_length=2)
    headers: dict[str, list[str]] = {}
    expense_headers: dict[str, list[str]] = {}
    fee_headers: dict[str, list[str]] = {}
    payment_headers: dict[str, list[str]] = {}
    requests: RequestsConfig = RequestsConfig()
    request_headers: dict[str, list[str]] = {}
    settlement: SettlementConfig = SettlementConfig()
    words: WordsConfig = WordsConfig()
    limits: LimitsConfig = LimitsConfig()
    split_keys: dict[str, dict[str, Decimal]] = {}
    fees: list[FeeConfig] = []

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        ids = [m.id for m in self.members]
        errors = []
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            errors.append(french.CONFIG_DUPLICATE_ID.format(twice=", ".join(twice), ids=", ".join(ids)))
        for field, known in (
            ("headers", layout.DOSSIER_HEADERS),
            *((t.headers_section, t.headers) for t in (*layout.SHARED_INPUTS, layout.REQUESTS_INPUT)),
        ):
            for key in getattr(self, field):
                if key not in known:
                    errors.append(
                        french.CONFIG_UNKNOWN_FIELD.format(section=field, key=key, known=", ".join(known))
                    )
        for name, weights in self.split_keys.items():
            for member, weight in weights.items():
                if member not in ids:
                    errors.append(
                        french.CONFIG_SPLIT_UNKNOWN_MEMBER.format(
                            name=name, member=member, ids=", ".join(ids)
                        )
                    )
                if not weight.is_finite() or not 0 <= weight <= MAX_WEIGHT:
                    errors.append(
                        french.CONFIG_SPLIT_WEIGHT.format(name=name, member=member, limit=MAX_WEIGHT)
                    )
            finite = [w for w in weights.values() if w.is_finite()]
            if len(finite) == len(weights) and sum(finite) == 0:  # also an empty key: nobody would pay
                errors.append(french.CONFIG_SPLIT_ALL_ZERO.format(name=name))
        errors += _ambiguous_names(self.members)
        errors += _reserved_tabs(self.shared)
        errors += _request_places(self)
        aliases = {normalize(word): m.id for m in self.members for word in (m.id, m.name, *m.aliases)}
        for i, fee in enumerate(self.fees):
            if fee.amount > self.limits.max_amount:
                errors.append(
                    french.CONFIG_FEE_TOO_LARGE.format(i=i, amount=fee.amount, limit=self.limits.max_amount)
                )
            if fee.paid_by not in ids:
                errors.append(
                    french.CONFIG_FEE_UNKNOWN_PAYER.format(i=i, payer=fee.paid_by, ids=", ".join(ids))
                )
            try:
                resolve_key(fee.key, ids, self.split_keys, aliases)
            except SplitKeyError:
                keys = ", ".join(self.split_keys) or french.CONFIG_NO_SPLIT_KEY
                errors.append(
                    french.CONFIG_FEE_BAD_KEY.format(i=i, key=fee.key, first=ids[0], second=ids[1], keys=keys)
                )
        for field, canonical in (
            ("status", layout.STATUS_WORDS),
            ("kind", layout.KIND_WORDS),
            ("direction", layout.DIRECTION_WORDS),
        ):
            for key in getattr(self.words, field):
                if key not in canonical:
                    errors.append(
                        french.CONFIG_UNKNOWN_WORD.format(
                            field=field, key=key, canonical=", ".join(canonical)
                        )
                    )
        shared_kind = classify(self.shared.source, self.backend).kind
        if shared_kind == "drive":
            errors.append(french.CONFIG_SHARED_ON_DRIVE)
        suffix = Path(self.shared.source).suffix.casefold()
        if shared_kind == "local" and suffix in french.CONFIG_SHARED_KINDS:
            # lotsync reads .ods and .xls (calamine) but writes its tabs into an .xlsx only
            errors.append(french.CONFIG_SHARED_NOT_XLSX.format(kind=french.CONFIG_SHARED_KINDS[suffix]))
        if errors:
            # One line per problem; each names its own key (see `_describe`).
            raise ValueError("\n".join(errors))
        return self

    # -- what the rest of lotsync asks of it ---------------------------------

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    def core_members(self) -> tuple[Member, ...]:
        return tuple(m.member() for m in self.members)

    def dossier_headers(self) -> dict[str, list[str]]:
        return {**layout.DOSSIER_HEADERS, **self.headers}

    def shared_tabs(self) -> dict[str, SharedTab]:
        """Every input tab of the shared spreadsheet (`layout.SHARED_INPUTS`) by key, with the name
        `[shared] <key>_tab` gives it and its headers as `[<headers_section>]` amends them."""
        return {
            t.key: SharedTab(
                getattr(self.shared, f"{t.key}_tab"), {**t.headers, **getattr(self, t.headers_section)}
            )
            for t in layout.SHARED_INPUTS
        }

    @property
    def requests_configured(self) -> bool:
        """Whether `[requests]` is in the file: then a missing requests tab is an anomaly."""
        return "requests" in self.model_fields_set

    def requests_source(self) -> str:
        return self.requests.source or self.shared.source

    def territories(self) -> dict[str, list[str]]:
        """Each member's intercommunalities, as configured or by default."""
        from lotsync.adapters.territories import DEFAULT_INTERCOMMUNALITIES

        return {
            m.id: list(m.intercommunalities)
            if m.intercommunalities is not None
            else list(DEFAULT_INTERCOMMUNALITIES.get(m.id, ()))
            for m in self.members
        }

    def request_rules(self) -> RequestRules:
        from lotsync.adapters.territories import gazetteer

        words = {
            normalize(word): status
            for status, synonyms in layout.REQUEST_STATUS_WORDS.items()
            for word in (status, *synonyms)
        }
        return RequestRules(
            headers={**layout.REQUEST_HEADERS, **self.request_headers},
            status_words=words,
            gazetteer=gazetteer(self.territories(), self.requests.places),
            reply_within=self.requests.reply_within_working_days,
            retention_months=self.requests.retention_months,
            assign_suggested=self.requests.assign == "suggested",
            tab=self.requests.tab,
        )

    def recipients(self, member_id: str | None) -> list[str]:
        """Where a member's digest goes (the collective's digest and alerts: None), on the
        `[mail] transport` configured: today e-mail addresses. A new channel says here which of its
        settings holds each office's address, and the digests and the service need no change."""
        if member_id is None:
            return list(self.collective.emails)
        return list(next(m for m in self.members if m.id == member_id).emails)

    def uses_google(self) -> bool:
        return any(classify(s, self.backend).is_google for s in self.sources())

    def sources(self) -> list[str]:
        return [*(m.source for m in self.members), self.shared.source]

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.build(self)

    def rules(self, *, requests: bool = True) -> Rules:
        """What the core needs, as plain data: `compute_books(inputs, config.rules(), as_of)`.
        `requests=False` when no requests tab was read: the offices' territories are not loaded."""
        from lotsync.core.expenses import fee_expenses

        vocabulary = self.vocabulary()
        return Rules(
            members=self.core_members(),
            words=Words(vocabulary.status, vocabulary.kind, vocabulary.direction, vocabulary.partner),
            dossier_headers=self.dossier_headers(),
            split_keys=self.split_keys,
            fees=tuple(fee_expenses(self.fees)),
            financial_year_start_month=self.collective.financial_year_start_month,
            settlement_mode=self.settlement.mode,
            bounds=self.limits.bounds(),
            shared_tabs=self.shared_tabs(),
            requests=self.request_rules() if requests else None,
        )


MAX_WEIGHT = Decimal(1_000_000)


def _ambiguous_names(members: list[MemberConfig]) -> list[str]:
    """A word that names two members would send a day to the wrong office: refuse it."""
    owner: dict[str, tuple[str, str]] = {}
    errors = []
    for i, m in enumerate(members):
        for field, word in (("id", m.id), ("name", m.name), *(("aliases", a) for a in m.aliases)):
            for key in member_keys(word):
                first = owner.setdefault(key, (m.id, word))
                if first[0] != m.id:
                    errors.append(
                        french.CONFIG_AMBIGUOUS_NAME.format(
                            i=i, field=field, word=word, other=first[0], other_word=first[1]
                        )
                    )
    return list(dict.fromkeys(errors))


def _reserved_tabs(shared: SharedConfig) -> list[str]:
    from lotsync.tabs.results import OWNED_TABS

    owned = {t.casefold() for t in OWNED_TABS}
    fields = [f"{t.key}_tab" for t in layout.SHARED_INPUTS]
    errors = [
        french.CONFIG_RESERVED_TAB.format(field=field, tab=tab)
        for field in fields
        if (tab := getattr(shared, field)).strip().casefold() in owned
    ]
    seen: dict[str, str] = {}
    for field in fields:
        first = seen.setdefault(getattr(shared, field).strip().casefold(), field)
        if first != field:
            errors.append(french.CONFIG_SAME_SHARED_TAB.format(field=field, first=first))
    return errors


def _request_places(config: Config) -> list[str]:
    """`[requests.places]` names members; every intercommunality named exists in the shipped data."""
    from lotsync.adapters.territories import TerritoryError, gazetteer

    ids = [m.id for m in config.members]
    errors = [
        french.CONFIG_PLACE_UNKNOWN_MEMBER.format(place=place, member=member, ids=", ".join(ids))
        for place, member in config.requests.places.items()
        if member not in ids
    ]
    from lotsync.tabs.results import OWNED_TABS

    if config.requests.tab.strip().casefold() in {t.casefold() for t in OWNED_TABS}:
        errors.append(french.CONFIG_RESERVED_REQUESTS_TAB.format(tab=config.requests.tab))
    configured = config.requests_configured or any(m.intercommunalities is not None for m in config.members)
    if not errors and configured:  # else the defaults, checked by the tests: nothing to load now
        try:
            gazetteer(config.territories(), config.requests.places)
        except TerritoryError as error:
            errors.append(str(error))
    return errors


def _same_sources(config: Config) -> list[str]:
    """Two readers of one tab count its rows twice; the shared workbook is never an office's."""

    def identity(source: str) -> tuple[str, str]:
        where = classify(source, config.backend)
        if where.is_google:
            return (where.kind if where.kind != "drive" else "sheet", where.ref)
        return ("local", os.path.normcase(os.path.realpath(where.ref)))

    shared = identity(config.shared.source)
    errors = []
    seen: dict[tuple[tuple[str, str], str], str] = {}
    for i, m in enumerate(config.members):
        source = identity(m.source)
        if source == shared:
            errors.append(french.CONFIG_OFFICE_IS_SHARED.format(i=i))
        key = (source, m.tab.strip().casefold())
        if key in seen:
            errors.append(french.CONFIG_TAB_READ_TWICE.format(i=i, other=seen[key], tab=m.tab))
        seen.setdefault(key, m.id)
    return errors


class Vocabulary(BaseModel):
    """Normalized word → canonical value maps, built once from the configuration."""

    model_config = ConfigDict(frozen=True)

    status: dict[str, str]
    kind: dict[str, str]
    direction: dict[str, str]
    partner: dict[str, str]

    @classmethod
    def build(cls, config: Config) -> Vocabulary:
        def words(defaults: dict[str, list[str]], custom: dict[str, list[str]]) -> dict[str, str]:
            merged = {**defaults, **custom}
            table = {normalize(str(k)): str(k) for k in merged}
            for canonical, synonyms in merged.items():
                table.update({normalize(w): str(canonical) for w in synonyms})
            return table

        partner: dict[str, str] = {}
        for m in config.members:
            for word in (m.id, m.name, *m.aliases):
                partner.update(dict.fromkeys(member_keys(word), m.id))
        return cls(
            status=words(layout.STATUS_WORDS, config.words.status),
            kind=words(layout.KIND_WORDS, config.words.kind),
            direction=words(layout.DIRECTION_WORDS, config.words.direction),
            partner=partner,
        )


def _describe(error: ErrorDetails) -> list[str]:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] in ("value_error", "assertion_error"):
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        message = french.CONFIG_ERRORS.get(error["type"], error["msg"])
    if not key:
        # A check across keys (`Config._consistent`): each line already starts with its key.
        return message.splitlines()
    return [f"{key} : {message}"]


def _toml_error(error: tomllib.TOMLDecodeError) -> str:
    """tomllib says where in English ("(at line 5, column 8)"): say it in French, keep its detail."""
    import re

    text = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if not found:
        return french.CONFIG_TOML_INVALID.format(text=text)
    detail = text[: found.start()].strip()
    return french.CONFIG_TOML_INVALID_AT.format(line=found[1], column=found[2], detail=detail)


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    for candidate in DEFAULT_PATHS:
        if Path(candidate).exists():
            return Path(candidate)
    return Path(DEFAULT_PATHS[0])


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate; local source paths become absolute, relative to the file."""
    path = Path(path)
    try:
        kind = path.stat().st_mode
    except OSError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise ConfigError(path, [french.CONFIG_IS_A_FOLDER])
    if kind is not None and not stat.S_ISREG(kind):
        raise ConfigError(path, [french.CONFIG_NOT_A_FILE])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(path, [french.CONFIG_NOT_FOUND]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_toml_error(exc)]) from exc
    except OSError as exc:
        raise ConfigError(
            path, [french.CONFIG_UNREADABLE.format(reason=core_french.os_error(exc, path))]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [french.CONFIG_NOT_UTF8.format(position=exc.start)]) from exc
    base = path.resolve().parent
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(path, [line for e in exc.errors() for line in _describe(e)]) from None
    config = _resolve_paths(config, base)
    if errors := _same_sources(config):
        raise ConfigError(path, errors)
    return config


def _resolve_paths(config: Config, base: Path) -> Config:
    def absolute(source: str) -> str:
        if classify(source, config.backend).is_google:
            return source
        return str((base / Path(source).expanduser()).resolve())

    def absolute_file(path: str | None) -> str | None:
        return str((base / Path(path).expanduser()).resolve()) if path else None

    members = [m.model_copy(update={"source": absolute(m.source)}) for m in config.members]
    shared = config.shared.model_copy(update={"source": absolute(config.shared.source)})
    # Only when it names a source: an updated field counts as given, and without a [requests]
    # section a missing requests tab is no anomaly (`requests_configured`).
    requests = (
        {"requests": config.requests.model_copy(update={"source": absolute(config.requests.source)})}
        if config.requests.source
        else {}
    )
    mail = config.mail.model_copy(
        update={"outbox": absolute_file(config.mail.outbox), "ledger": absolute_file(config.mail.ledger)}
    )
    google = config.google.model_copy(
        update={
            "credentials": absolute_file(config.google.credentials),
            "client_secrets": absolute_file(config.google.client_secrets),
        }
    )
    schedule = config.schedule.model_copy(
        update={
            "state_file": absolute_file(config.schedule.state_file or "lotsync-state.json"),
            "lock_file": absolute_file(config.schedule.lock_file or "lotsync.lock"),
        }
    )
    return config.model_copy(
        update={
            "members": members,
            "shared": shared,
            **requests,
            "google": google,
            "mail": mail,
            "schedule": schedule,
        }
    )
