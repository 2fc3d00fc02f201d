"""A rendered digest made into a MIME message that every mail client reads the same way.

    multipart/alternative
    ├── text/plain; charset=utf-8           (the same content, for clients without HTML)
    └── multipart/related                   (only when there is a chart; else text/html alone)
        ├── text/html; charset=utf-8        (<img src="cid:…">)
        └── image/png                       (Content-ID <…>, Content-Disposition: inline)

Both text parts are quoted-printable, so the message is 7-bit clean and goes
unchanged through any SMTP server, the Gmail API or a file. A subject that is not
plain ASCII is written as RFC 2047 encoded words that hold every character, spaces
included, folded between words only: Python's own folding can put an em dash in a
word of its own, whose following space every conforming decoder then drops
("OT Cahors —récapitulatif"). The Message-ID can be chosen in advance
(`new_message_id`), so that the send log notes it before the mail leaves and a
resend carries the same one. Nothing that comes
from a spreadsheet can add a header: line breaks in the subject and in names
become spaces, and an address that does not parse as exactly one address is
refused with a `MailError` in French.

A recipient on another channel than e-mail (a chat webhook, say) is an absolute URI
(`https://…`, `tg:…`) rather than an address: `compose` carries each in a header of
its own, `CHANNEL_RECIPIENT`, which that channel's transport reads
(`channel_recipients`), so that a new channel changes neither this module nor the
commands. Such a URI may hold a secret (a webhook's token in its path), so what is
shown or logged of any recipient is `shown(recipient)`: an address as it is, a URI as
its scheme and host alone.
"""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Protocol, cast
from urllib.parse import urlsplit

from lotsync.adapters import french
from lotsync.core.errors import LotsyncError

# Every character `str.splitlines` breaks on, and the other C0/C1 controls: none belongs in a header.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
# RFC 2047 §5 (3): what may stand for itself in a "Q" encoded word, wherever the word is.
_Q_LITERAL = frozenset(string.ascii_letters + string.digits + "!*+-/")
_WORD_OPEN, _WORD_CLOSE = "=?utf-8?q?", "?="
_MAX_LINE = 78
_FIRST_WORD = _MAX_LINE - len("Subject: ")
_NEXT_WORD = 75  # RFC 2047 §2: an encoded word is at most 75 characters; " " + 75 < 78
_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")  # printable ASCII but "<", ">" and spaces
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[!-~]+")  # RFC 3986 scheme ":" then printable ASCII

CHANNEL_RECIPIENT = "X-Lotsync-Recipient"
"""The header that carries a recipient on another channel than e-mail (one header each)."""


class MailError(LotsyncError, ValueError):
    """A message that cannot be composed (an address that is not one, no recipient); French."""


class Renderable(Protocol):
    """What `compose` needs of a rendered digest (`lotsync.adapters.digest_render.Rendered` has it)."""

    subject: str
    text: str
    html: str
    chart_png: bytes | None
    chart_cid: str


def compose(
    rendered: Renderable,
    sender: str,
    recipients: Sequence[str],
    *,
    message_id_domain: str = "lotsync.local",
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """The message for `recipients`, with Subject, From, To, Date and Message-ID set.

    `message_id` (`<…@…>`, from `new_message_id`) is used as is: the send log's, when a
    digest is sent again after a crash. Raises `MailError` (French message) when the
    sender or a recipient is not one valid address, when there is no recipient at all,
    or when `message_id` is not one.
    """
    if isinstance(recipients, str):  # a lone string would be read character by character
        recipients = [recipients]
    addresses = [r for r in recipients if not is_channel_address(r)]
    others = list(dict.fromkeys(r.strip() for r in recipients if is_channel_address(r)))
    to = _unique(parse_address(r, role=french.MAIL_RECIPIENT) for r in addresses)
    if not to and not others:
        raise MailError(french.MAIL_NO_RECIPIENT)
    message_id = (
        _checked_message_id(message_id) if message_id is not None else new_message_id(message_id_domain)
    )

    message = EmailMessage(policy=SMTP)
    subject = clean_header(rendered.subject)
    if needs_encoding(subject):
        message.set_raw("Subject", encode_subject(subject))  # written as is, never refolded
    else:
        message["Subject"] = subject
    message["From"] = parse_address(sender, role=french.MAIL_SENDER)
    if to:
        message["To"] = to
    for other in others:
        message[CHANNEL_RECIPIENT] = other
    message["Date"] = format_datetime(date or datetime.now().astimezone())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a digest

    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if rendered.chart_png:
        cid = _content_id(rendered.chart_cid)
        # After add_alternative the message is multipart: its payload is the list of parts.
        html_part = cast("list[EmailMessage]", message.get_payload())[1]
        html_part.add_related(
            rendered.chart_png,
            "image",
            "png",
            cid=f"<{cid}>",
            disposition="inline",
            filename=french.CHART_FILENAME,
        )
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # the library adds it to parts too; it belongs at the top only
    message["Content-Language"] = "fr"  # after set_content, which clears the Content-* headers
    return message


def new_message_id(domain: str = "lotsync.local") -> str:
    """A fresh `<…@domain>`, to note in the send log before the message is composed and sent."""
    bare = clean_header(domain).replace(" ", "")
    if not bare or not bare.isascii() or any(c in bare for c in "<>@"):
        raise MailError(french.MAIL_BAD_DOMAIN.format(domain=domain))
    return make_msgid(domain=bare)


def needs_encoding(subject: str) -> bool:
    """Plain ASCII goes as it is (folding at a space loses nothing), unless it looks encoded."""
    return not subject.isascii() or "=?" in subject


def encode_subject(subject: str) -> str:
    """`subject` as folded RFC 2047 "Q" encoded words: `=?utf-8?q?…?=\r\n =?utf-8?q?…?=`.

    Every character is inside a word, spaces as `_`, so the white space of the folds is the
    only white space between words, which decoders drop. A character's bytes are never split
    between two words; the first line leaves room for `Subject: `.
    """
    lines = []
    budget = _FIRST_WORD - len(_WORD_OPEN) - len(_WORD_CLOSE)
    current = ""
    for piece in _q_pieces(subject):
        if current and len(current) + len(piece) > budget:
            lines.append(_WORD_OPEN + current + _WORD_CLOSE)
            budget, current = _NEXT_WORD - len(_WORD_OPEN) - len(_WORD_CLOSE), ""
        current += piece
    lines.append(_WORD_OPEN + current + _WORD_CLOSE)
    return "\r\n ".join(lines)


def _q_pieces(text: str) -> Iterator[str]:
    """Each character as "Q" writes it (RFC 2047 §4.2): itself, `_` for a space, or `=XX` per byte."""
    for char in text:
        if char in _Q_LITERAL:
            yield char
        elif char == " ":
            yield "_"
        else:
            yield "".join(f"={byte:02X}" for byte in char.encode("utf-8"))


def _checked_message_id(value: str) -> str:
    text = str(value).strip()
    if text and not text.startswith("<"):
        text = f"<{text}>"
    if not _MESSAGE_ID.fullmatch(text) or text.count("@") != 1:
        raise MailError(french.MAIL_BAD_MESSAGE_ID.format(value=value))
    return text


def clean_header(value: str) -> str:
    """One line: line breaks and control characters become single spaces."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", str(value))).strip()


def parse_address(value: str, *, role: str = french.MAIL_ADDRESS) -> Address:
    """Exactly one address (`a@b.fr` or `Nom <a@b.fr>`), ASCII on the wire, or `MailError`."""
    text = clean_header(value)
    refused = MailError(french.MAIL_BAD_ADDRESS.format(role=role, text=text))
    if not text:
        raise refused
    try:
        header = SMTP.header_factory("To", text)
        addresses = header.addresses
    except (IndexError, ValueError, TypeError) as exc:  # the parser has a few rough edges
        raise refused from exc
    if header.defects or len(addresses) != 1:
        raise refused
    [address] = addresses
    username, domain = address.username, address.domain
    if not username or not domain or not username.isascii() or " " in username or " " in domain:
        raise refused
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise refused from exc
    return Address(display_name=clean_header(address.display_name), username=username, domain=domain)


def is_channel_address(recipient: str) -> bool:
    """Whether `recipient` is a recipient on another channel (an absolute URI, not `mailto:`)
    rather than an e-mail address. A URI with a space or a control character in it is none: it
    goes on as an address, and is refused as one."""
    text = recipient.strip()
    return bool(_URI.fullmatch(text)) and not text.lower().startswith("mailto:")


def channel_recipients(message: EmailMessage) -> list[str]:
    """The recipients `compose` carried for another channel than e-mail, in order."""
    return [str(value) for value in message.get_all(CHANNEL_RECIPIENT, [])]


def shown(recipient: str) -> str:
    """What may be shown or logged of a recipient: an address as it is; a URI as its scheme and
    host only (`https://hooks.example.org/…`, `tg:…`), since the rest of it may be a secret."""
    if not is_channel_address(recipient):
        return recipient
    parts = urlsplit(recipient.strip())
    host = parts.hostname or ""
    with contextlib.suppress(ValueError):  # a port that is not a number is left out
        if parts.port is not None:
            host += f":{parts.port}"
    return f"{parts.scheme}://{host}/…" if host else f"{parts.scheme}:…"


def recipients_of(message: EmailMessage) -> list[str]:
    """The envelope recipients of a message: the addresses of To, Cc and Bcc."""
    found: list[str] = []
    for name in ("To", "Cc", "Bcc"):
        for header in message.get_all(name, []):
            found.extend(a.addr_spec for a in getattr(header, "addresses", ()) if a.addr_spec != "<>")
    return found


def _unique(addresses: Iterable[Address]) -> list[Address]:
    seen: set[str] = set()
    kept = []
    for address in addresses:
        key = address.addr_spec.lower()
        if key not in seen:
            seen.add(key)
            kept.append(address)
    return kept


def _content_id(cid: str) -> str:
    bare = clean_header(cid).strip("<>").strip()
    if not bare or not bare.isascii() or any(c in bare for c in ' <>"\\'):
        raise MailError(french.MAIL_BAD_IMAGE_ID.format(cid=cid))
    return bare
