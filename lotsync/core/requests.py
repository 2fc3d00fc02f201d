"""Group requests from the collective's website: read, routed, followed up, counted (issue 14).

The `Demandes` tab is people's (or a form plugin's): lotsync never writes it. Each row is a request;
`parse_requests` reads it, `follow_up` says which office each request is for (the one a person wrote
in `Attribuée à`, else the suggestion from the places named, `places.route`), how old it is in
working days, whether it is late, which dossier it became, and counts the funnel per office and year.
A request closed long enough ago to be deleted (`retention_months`) is left out of everything and
listed for a person to delete: lotsync keeps no contact detail longer than the offices do.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from lotsync.core import french
from lotsync.core.cells import (
    DEFAULT_LIMITS,
    CellError,
    Limits,
    as_text,
    is_blank,
    normalize,
    parse_amount,
    parse_count,
    parse_date,
    ref_key,
)
from lotsync.core.dossiers import Sheet
from lotsync.core.headers import cell, find_header, formula_errors, header_anomalies, is_blank_row, label
from lotsync.core.layout import REQUESTS_INPUT
from lotsync.core.model import Anomaly, AnomalyKind, Dossier, RequestStatus, Where
from lotsync.core.places import Gazetteer, Routing, route
from lotsync.core.working_days import working_days_between

AWAITING = frozenset({RequestStatus.NEW, RequestStatus.FORWARDED})
"""Not answered yet: such a request can be late."""
CLOSED = frozenset({RequestStatus.CONFIRMED, RequestStatus.LOST, RequestStatus.DROPPED})
QUOTED = frozenset({RequestStatus.QUOTED, RequestStatus.OPTION, RequestStatus.CONFIRMED})
"""Reached the stage of a quote."""


class RequestRules(NamedTuple):
    """What the configuration says of requests (`[requests]`), as plain data."""

    headers: Mapping[str, Sequence[str]]
    status_words: Mapping[str, str]
    """Normalized word → `RequestStatus` value (a blank status is a new request)."""
    gazetteer: Gazetteer
    reply_within: int = 2
    """Working days after the day received before an unanswered request is late."""
    retention_months: int = 36
    assign_suggested: bool = False
    """`[requests] assign = "suggested"`: a request no one assigned goes to the suggested office."""
    tab: str = REQUESTS_INPUT.name


@dataclass(frozen=True)
class Request:
    """One row of the requests tab."""

    where: Where
    key: str
    """Its identity: `N° demande` when given, else received date, requester and e-mail."""
    number: str
    received: date
    requester: str
    structure: str
    email: str
    phone: str
    group_type: str
    wanted: str
    """`Date souhaitée` as written (a date or words: "mi-juin", "printemps 2027")."""
    duration: str
    pax: int | None
    budget: Decimal | None
    places: str
    stay: str
    message: str
    assigned: str | None
    """The member a person wrote in `Attribuée à`."""
    status: RequestStatus
    reason: str
    answered: date | None
    dossier_ref: str


@dataclass(frozen=True)
class RequestLine:
    """A request followed up."""

    request: Request
    routing: Routing
    office: str | None
    """Who handles it: the assigned office, else the suggested one when `assign_suggested`."""
    by_suggestion: bool
    """True when `office` is the suggestion, not a person's choice."""
    age: int
    """Working days since it was received, up to the as-of date."""
    late: bool
    reply_days: int | None
    """Working days from received to answered."""
    dossier: Dossier | None

    @property
    def is_open(self) -> bool:
        return self.request.status not in CLOSED

    @property
    def converted(self) -> bool:
        return self.request.status is RequestStatus.CONFIRMED or self.dossier is not None


class Funnel(NamedTuple):
    """One office's requests received in one year, from received to confirmed."""

    office: str | None
    """None: requests no office has."""
    year: int
    received: int
    answered: int
    quoted: int
    confirmed: int
    lost: tuple[tuple[str, int], ...]
    """Lost requests by reason (the `Motif` as written, "non précisé" when blank), most first."""
    dropped: int
    median_reply_days: Decimal | None

    @property
    def conversion(self) -> Decimal | None:
        """Confirmed / received, to four places (shown as a percentage)."""
        if not self.received:
            return None
        return (Decimal(self.confirmed) / Decimal(self.received)).quantize(Decimal("0.0001"))


class RequestBook(NamedTuple):
    lines: tuple[RequestLine, ...]
    """Every request kept (not due for deletion), in sheet order."""
    funnel: tuple[Funnel, ...]
    expired: tuple[Request, ...]
    """Closed more than `retention_months` ago: left out, for a person to delete."""
    anomalies: tuple[Anomaly, ...]
    read: bool = True
    """False when there is no requests tab at all (then nothing else is said)."""
    reply_within: int = 2
    retention_months: int = 36

    @property
    def open_lines(self) -> list[RequestLine]:
        """Open requests: late ones first, then by office (none last) and oldest first."""
        return sorted(
            (line for line in self.lines if line.is_open),
            key=lambda line: (not line.late, line.office is None, line.office or "", -line.age),
        )

    def for_office(self, office: str) -> list[RequestLine]:
        return [line for line in self.open_lines if line.office == office]


NO_REQUESTS = RequestBook((), (), (), (), read=False)

_PER_PERSON = re.compile(r"\s*(?:/|par)\s*(?:pers(?:onne)?s?|pax|p)\.?\s*$", re.IGNORECASE)
"""`45 €/pers`, `30 € par personne`: a budget per person, read as its amount."""

_TIME_OF_DAY = re.compile(r"^(.*\d)[ t]+\d{1,2}[:h]\d{2}(?::\d{2})?(?:[.,]\d+)?$", re.IGNORECASE)
"""`24/11/2026 14:32:10`, as a form plugin or a Google Form's `Horodateur` writes it."""


def _day(value: Any, limits: Limits) -> date:
    if isinstance(value, str) and (m := _TIME_OF_DAY.match(value.strip())):
        value = m[1]
    return parse_date(value, limits=limits)


def parse_requests(
    sheet: Sheet,
    rules: RequestRules,
    required: Sequence[str],
    aliases: Mapping[str, str],
    members: Sequence[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[Request], list[Anomaly]]:
    """Every request of the tab, in sheet order, and the anomalies of its cells.

    A request is kept whenever it can be known (its received date, and who asked or its number):
    a bad pax, budget or reply date is an anomaly and that value is left out, an unknown office in
    `Attribuée à` leaves it unassigned. A request whose identity repeats an earlier row's is
    counted once."""
    synonyms = rules.headers
    header = find_header(sheet.rows, synonyms, required)
    anomalies = list(header_anomalies(sheet.spreadsheet, sheet.tab, header, synonyms, required))
    if header is None or anomalies:
        return [], anomalies
    names = ", ".join(members)
    requests: list[Request] = []
    seen: dict[str, int] = {}
    for index in range(header.index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if is_blank_row(row):
            continue
        where = Where(sheet.spreadsheet, sheet.tab, index + 1)
        in_error = formula_errors(row, header, synonyms)
        errors = {field for field, _, _ in in_error}
        for field, value, message in in_error:
            anomalies.append(
                Anomaly(AnomalyKind.MISSING_VALUE, where, label(header, field, synonyms), value, message)
            )

        def get(field: str, row: Sequence[Any] = row, errors: set[str] = errors) -> Any:
            return None if field in errors else cell(row, header.columns.get(field))

        def text(field: str) -> str:
            return as_text(get(field)).strip()

        def bad(kind: AnomalyKind, field: str, value: Any, message: str, where: Where = where) -> None:
            anomalies.append(Anomaly(kind, where, label(header, field, synonyms), as_text(value), message))

        raw = get("received")
        if is_blank(raw):
            if "received" not in errors:
                bad(AnomalyKind.MISSING_VALUE, "received", "", french.REQUEST_NO_DATE)
            continue
        try:
            received = _day(raw, limits)
        except CellError as error:
            bad(
                AnomalyKind.INVALID_DATE,
                "received",
                raw,
                french.INVALID_CELL.format(value=as_text(raw), reason=error),
            )
            continue
        number, requester, email = text("number"), text("requester"), text("email")
        if not (number or requester or email):
            bad(AnomalyKind.MISSING_VALUE, "requester", "", french.REQUEST_NO_ONE)
            continue

        raw = get("status")
        status = RequestStatus.NEW
        if not is_blank(raw):
            found = rules.status_words.get(normalize(as_text(raw)))
            if found is None:
                bad(
                    AnomalyKind.INVALID_STATUS,
                    "status",
                    raw,
                    french.REQUEST_STATUS_UNKNOWN.format(value=as_text(raw)),
                )
                continue
            status = RequestStatus(found)

        assigned = None
        if not is_blank(raw := get("assigned")):
            assigned = aliases.get(normalize(as_text(raw)))
            if assigned is None:
                bad(
                    AnomalyKind.UNKNOWN_MEMBER,
                    "assigned",
                    raw,
                    french.REQUEST_UNKNOWN_OFFICE.format(value=as_text(raw), members=names),
                )

        def optional(field: str, parse: Callable[[Any], Any], kind: AnomalyKind) -> Any:
            """The field's value, or None when blank or unreadable (then an anomaly: the request stays)."""
            raw = get(field)
            if is_blank(raw):
                return None
            try:
                return parse(raw)
            except CellError as error:
                bad(kind, field, raw, french.REQUEST_VALUE_IGNORED.format(value=as_text(raw), reason=error))
                return None

        pax = optional("pax", lambda raw: parse_count(raw, limits), AnomalyKind.INVALID_PAX)
        budget = optional(
            "budget",
            lambda raw: parse_amount(_PER_PERSON.sub("", raw) if isinstance(raw, str) else raw, limits),
            AnomalyKind.INVALID_AMOUNT,
        )
        answered = optional("answered", lambda raw: _day(raw, limits), AnomalyKind.INVALID_DATE)
        if answered is not None and answered < received:
            bad(
                AnomalyKind.END_BEFORE_START,
                "answered",
                get("answered"),
                french.REQUEST_ANSWERED_BEFORE.format(
                    answered=french.short_date(answered), received=french.short_date(received)
                ),
            )
            answered = None
        wanted = get("wanted")
        if isinstance(wanted, datetime):
            wanted = wanted.date()
        elif isinstance(wanted, int | float | Decimal) and not isinstance(wanted, bool):
            with contextlib.suppress(CellError):  # a date cell read as its serial number (Google)
                wanted = parse_date(wanted, limits=limits)
        wanted_text = french.short_date(wanted) if isinstance(wanted, date) else text("wanted")

        key = request_key(number, received, requester, email)
        if key in seen:
            bad(
                AnomalyKind.DUPLICATE,
                "number" if number else "requester",
                number or requester,  # never the e-mail: anomalies are shown in lotsync's tabs
                french.REQUEST_DUPLICATE.format(row=seen[key]),
            )
            continue
        seen[key] = where.row
        requests.append(
            Request(
                where, key, number, received, requester, text("structure"), email, text("phone"),
                text("group_type"), wanted_text, text("duration"), pax, budget, text("places"),
                text("stay"), text("message"), assigned, status, text("reason"), answered, text("dossier"),
            )
        )  # fmt: skip
    return requests, anomalies


def request_key(number: str, received: date, requester: str, email: str) -> str:
    """A request's identity: `n:` and its number, or `r:` and a digest of its received date,
    requester and e-mail, so that the identity (kept in the send log, printed in JSON) never
    shows who asked."""
    if number:
        return f"n:{ref_key(number)}"
    identity = f"{received.isoformat()}|{normalize(requester)}|{email.strip().casefold()}"
    return "r:" + hashlib.blake2b(identity.encode("utf-8"), digest_size=8).hexdigest()


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def follow_up(
    requests: Sequence[Request],
    rules: RequestRules,
    dossiers: Sequence[Dossier],
    members: Sequence[str],
    as_of: date,
    anomalies: Sequence[Anomaly] = (),
    unread: frozenset[str] = frozenset(),
) -> RequestBook:
    """Each request routed, aged and linked to its dossier; the funnel per office and year."""
    found = list(anomalies)
    by_ref = {(d.office, ref_key(d.ref)): d for d in dossiers}
    cutoff = _months_before(as_of, rules.retention_months)
    lines: list[RequestLine] = []
    expired: list[Request] = []
    for request in requests:
        if request.status in CLOSED and (request.answered or request.received) < cutoff:
            expired.append(request)
            continue
        routing = route(request.stay, request.places, rules.gazetteer)
        office, by_suggestion = request.assigned, False
        if office is None and rules.assign_suggested and routing.suggested is not None:
            office, by_suggestion = routing.suggested, True
        dossier = None
        if request.dossier_ref:
            if office is None:
                found.append(
                    _dossier_anomaly(
                        request, french.REQUEST_DOSSIER_NO_OFFICE.format(value=request.dossier_ref)
                    )
                )
            else:
                dossier = by_ref.get((office, ref_key(request.dossier_ref)))
                if dossier is None and office not in unread:  # an unread sheet is a gap, said once
                    found.append(
                        _dossier_anomaly(
                            request,
                            french.REQUEST_UNKNOWN_DOSSIER.format(value=request.dossier_ref, office=office),
                        )
                    )
        age = working_days_between(request.received, as_of)
        late = request.status in AWAITING and request.answered is None and age > rules.reply_within
        reply = working_days_between(request.received, request.answered) if request.answered else None
        lines.append(RequestLine(request, routing, office, by_suggestion, age, late, reply, dossier))
    return RequestBook(
        tuple(lines),
        tuple(funnel(lines, members)),
        tuple(expired),
        tuple(found),
        reply_within=rules.reply_within,
        retention_months=rules.retention_months,
    )


def _dossier_anomaly(request: Request, message: str) -> Anomaly:
    return Anomaly(
        AnomalyKind.UNKNOWN_DOSSIER,
        request.where,
        french.REQUEST_DOSSIER_COLUMN,
        request.dossier_ref,
        message,
    )


def funnel(lines: Sequence[RequestLine], members: Sequence[str]) -> list[Funnel]:
    """Per office (members' order, requests with no office last) and per year received, newest first."""
    groups: dict[tuple[str | None, int], list[RequestLine]] = {}
    for line in lines:
        groups.setdefault((line.office, line.request.received.year), []).append(line)
    order = {m: i for i, m in enumerate(members)}
    rows = []
    for (office, year), group in sorted(
        groups.items(), key=lambda item: (order.get(item[0][0] or "", len(order)), -item[0][1])
    ):
        lost = Counter(
            line.request.reason or french.REQUEST_REASON_UNKNOWN
            for line in group
            if line.request.status is RequestStatus.LOST
        )
        replies = [line.reply_days for line in group if line.reply_days is not None]
        median = Decimal(str(statistics.median(replies))) if replies else None
        rows.append(
            Funnel(
                office,
                year,
                len(group),
                sum(1 for line in group if line.request.answered or line.request.status not in AWAITING),
                sum(1 for line in group if line.request.status in QUOTED),
                sum(1 for line in group if line.converted),
                tuple(sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))),
                sum(1 for line in group if line.request.status is RequestStatus.DROPPED),
                median,
            )
        )
    return rows
