"""A group request as a mail to the office that handles it: subject, HTML and text, in French.

Two mails, each sent once by `lotsync.app.notifications`:

- `render_assigned`, to the office a request is assigned to (by a person, or by the suggestion when
  `[requests] assign = "suggested"`), with everything needed to answer it: who asks and how to reach
  them, the group, its message, the suggested office and why, the partner offices, how old the
  request is and when the answer is due, and a link to its row;
- `render_late`, the reminder of a request not answered in time, to its office and the collective,
  or to the collective alone, saying the request waits for someone to assign it.

Pure rendering, like `digest_render` (whose Jinja2 environment it uses: HTML autoescaped, so a
requester named `<script>` stays text; StrictUndefined; the French filters): a `Notice` in, a
`Rendered` out. The templates are `request_assigned.{html,txt}.j2` and `request_late.{html,txt}.j2`
(which extends the first). The requester's name, e-mail and phone are in the body only: the subject
names the structure (or the type of group), the group's size and its date, never the person, since
subjects end up in file names (the outbox) and in log lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from lotsync.adapters import french
from lotsync.adapters.digest_render import Rendered, environment, one_line
from lotsync.core import french as core_french
from lotsync.core.places import explain
from lotsync.core.requests import RequestLine
from lotsync.core.working_days import add_working_days

_ADDRESS = re.compile(r"[^@\s<>\"'(),;:\\]+@[^@\s<>\"'(),;:\\]+\.[^@\s<>\"'(),;:\\]+")
"""What is made a `mailto:` link: one plain address, nothing else."""
_NOT_DIALLED = re.compile(r"[^\d+]")


class Notice(NamedTuple):
    """What a request's mail is made of (`lotsync.app.notifications` builds it)."""

    line: RequestLine
    collective: str
    """The collective's name (`[collective] name`), the subject's prefix as in the digests."""
    names: Mapping[str, str]
    """Member id → how the mail names the office (`Member.short`)."""
    link: str
    """What opens the request's row: the backend's `locate` (a Google Sheets URL, or the file name)."""
    reply_within: int
    """Working days after the day received to answer (`[requests] reply_within_working_days`)."""


def answer_due(received: date, within: int) -> date:
    """The last day of the answer: the `within`-th working day after `received`. The request is
    late from the next working day on (`RequestLine.late`)."""
    return add_working_days(received, within)


def working_days(count: int) -> str:
    """`1 jour ouvré`, `3 jours ouvrés`."""
    one, many = french.REQUEST_WORKING_DAYS
    return core_french.plural(count, one, many)


def what(line: RequestLine) -> str:
    """The request in a few words, for a subject: `Club des aînés de Brive, 32 pers., 12/05/2027`."""
    request = line.request
    parts = [
        one_line(request.structure)
        or one_line(request.group_type)
        or french.REQUEST_RECEIVED.format(day=core_french.short_date(request.received))
    ]
    if request.pax is not None:
        parts.append(french.REQUEST_PAX.format(pax=core_french.integer(request.pax)))
    if one_line(request.wanted):
        parts.append(one_line(request.wanted))
    return french.REQUEST_SUBJECT_SEPARATOR.join(parts)


def assigned_subject(notice: Notice) -> str:
    return one_line(
        french.REQUEST_ASSIGNED_SUBJECT.format(collective=one_line(notice.collective), what=what(notice.line))
    )


def late_subject(notice: Notice) -> str:
    template = (
        french.REQUEST_LATE_SUBJECT if notice.line.office is not None else french.REQUEST_UNASSIGNED_SUBJECT
    )
    text = template.format(
        collective=one_line(notice.collective), age=working_days(notice.line.age), what=what(notice.line)
    )
    return one_line(text)


def _mailto(email: str) -> str | None:
    text = email.strip()
    return f"mailto:{text}" if _ADDRESS.fullmatch(text) else None


def _tel(phone: str) -> str | None:
    dialled = _NOT_DIALLED.sub("", phone)
    return f"tel:{dialled}" if len(dialled.lstrip("+")) >= 6 and "+" not in dialled[1:] else None


def notice_context(notice: Notice, subject: str) -> dict[str, Any]:
    """What the templates show: the request's fields as they were typed, the routing, the dates."""
    line = notice.line
    request = line.request

    def name(member: str | None) -> str | None:
        return notice.names.get(member, member) if member is not None else None

    return {
        "subject": subject,
        "collective": notice.collective,
        "office": name(line.office),
        "by_suggestion": line.by_suggestion,
        "number": request.number,
        "received": request.received,
        "age": line.age,
        "late": line.late,
        "due": answer_due(request.received, notice.reply_within),
        "reply_within": notice.reply_within,
        "requester": request.requester,
        "structure": request.structure,
        "email": request.email,
        "mailto": _mailto(request.email),
        "phone": request.phone,
        "tel": _tel(request.phone),
        "group_type": request.group_type,
        "pax": request.pax,
        "wanted": request.wanted,
        "duration": request.duration,
        "budget": request.budget,
        "places": request.places,
        "stay": request.stay,
        "message_lines": request.message.strip().splitlines(),
        "suggested": name(line.routing.suggested),
        "why": explain(line.routing),
        "partners": [name(p) for p in line.routing.partners],
        "spreadsheet": request.where.spreadsheet,
        "tab": request.where.tab,
        "row": request.where.row,
        "link": notice.link,
    }


def _rendered(kind: str, subject: str, context: dict[str, Any]) -> Rendered:
    env = environment()
    return Rendered(
        subject=subject,
        text=env.get_template(f"request_{kind}.txt.j2").render(context),
        html=env.get_template(f"request_{kind}.html.j2").render(context),
        chart_png=None,
        chart_cid="",
    )


def render_assigned(notice: Notice) -> Rendered:
    """The mail to the office a request is assigned to: `[collective] Nouvelle demande pour vous : …`."""
    subject = assigned_subject(notice)
    return _rendered("assigned", subject, notice_context(notice, subject))


def render_late(notice: Notice) -> Rendered:
    """The reminder of a late request, for its office and the collective (the collective alone, when
    no office has it): `[collective] Demande en retard (3 jours ouvrés) : …`."""
    subject = late_subject(notice)
    return _rendered("late", subject, notice_context(notice, subject))
