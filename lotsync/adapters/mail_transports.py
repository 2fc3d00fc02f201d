"""How a composed message leaves: an outbox folder, an SMTP server, or the Gmail API.

Every transport has `send(message) -> str`, which returns the message's id (its
Message-ID header, or Gmail's id for the Gmail API) and raises `TransportError`,
whose message is French and names where the mail was going, never a secret.

The SMTP login and password are read from the environment variables that the
configuration names (`[mail] smtp_user_env`, `smtp_password_env`), never from
the configuration file itself. The password is kept out of every message,
exception and `repr`.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import make_msgid
from html import escape
from pathlib import Path
from typing import Any, Protocol, cast

from lotsync.adapters import french
from lotsync.adapters.atomic import replace_file, temporary_copy
from lotsync.adapters.mail import channel_recipients, recipients_of, shown
from lotsync.core import french as core_french
from lotsync.core.errors import LotsyncError

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class TransportError(LotsyncError):
    """A message could not be sent; the text is French and never holds a password."""


class RecipientsRefused(TransportError):
    """The server took the message for some recipients and refused the others.

    `message_id` is the id of the message the others received; `refused` maps each
    refused address to the server's reply.
    """

    def __init__(self, text: str, message_id: str, refused: Mapping[str, str]):
        super().__init__(text)
        self.message_id = message_id
        self.refused = dict(refused)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send one message; its id, or `TransportError`."""
        ...

    def close(self) -> None:
        """Let go of connections, if any (`contextlib.closing(transport)`)."""
        ...


def email_recipients(message: EmailMessage, channel: str) -> list[str]:
    """The message's e-mail recipients, or `TransportError` when it has none: its recipients are
    another channel's (a URL typed where an office's e-mail address belongs), which no e-mail
    transport can reach, and a message written or sent to nobody would pass for delivered."""
    found = recipients_of(message)
    if not found:
        others = ", ".join(shown(r) for r in channel_recipients(message)) or "?"
        raise TransportError(
            french.MAIL_NOT_AN_ADDRESS.format(recipients=others, channel=french.MAIL_CHANNELS[channel])
        )
    return found


def message_id_of(message: Message) -> str:
    """The message's Message-ID, added first if it has none."""
    if not message.get("Message-ID"):
        message["Message-ID"] = make_msgid(domain="lotsync.local")
    return str(message["Message-ID"]).strip()


# -- outbox --------------------------------------------------------------------------------------


class OutboxTransport:
    """Each message as `<yyyymmdd-hhmmss>-<slug>.eml` plus an `.html` preview, in a folder.

    Files appear whole (written aside, then linked into place) and a name is never
    reused: a second message in the same second gets `-2`, then `-3`.
    """

    def __init__(self, folder: str | os.PathLike[str], *, clock: Callable[[], datetime] = datetime.now):
        self.folder = Path(folder)
        self.clock = clock

    def __repr__(self) -> str:
        return f"OutboxTransport({str(self.folder)!r})"

    def close(self) -> None:
        """Nothing to let go of."""

    def send(self, message: EmailMessage) -> str:
        message_id = message_id_of(message)
        self.write(message)
        return message_id

    def write(self, message: EmailMessage) -> tuple[Path, Path]:
        """Write the message; the paths of its `.eml` file and of its `.html` preview."""
        message_id_of(message)
        email_recipients(message, "outbox")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = f"{self.clock():%Y%m%d-%H%M%S}-{slug(str(message.get('Subject', '')))}"
            eml = _write_new(self.folder, stem, ".eml", message.as_bytes())
            html = eml.with_suffix(".html")
            replace_file(html, preview_html(message).encode("utf-8"))
        except OSError as exc:
            to = ", ".join(recipients_of(message)) or "?"
            raise TransportError(
                french.OUTBOX_WRITE_FAILED.format(folder=self.folder, to=to, reason=core_french.os_error(exc))
            ) from exc
        log.info(french.OUTBOX_WRITTEN.format(to=", ".join(recipients_of(message)), path=eml))
        return eml, html


def slug(text: str, limit: int = 60) -> str:
    """`Semaine 48 — Cahors` → `semaine-48-cahors`: ASCII, lower case, safe in any file system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "message"


def preview_html(message: Message) -> str:
    """The HTML part with every `cid:` image made a `data:` URI, to open in a browser as is."""
    images: dict[str, str] = {}
    html: str | None = None
    text: str | None = None
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if part.get("Content-ID"):
            # A leaf part's decoded payload is bytes (None when empty).
            payload = cast("bytes | None", part.get_payload(decode=True))
            data = base64.b64encode(payload or b"").decode("ascii")
            images[str(part["Content-ID"]).strip().strip("<>").lower()] = f"data:{content_type};base64,{data}"
        elif content_type == "text/html" and html is None:
            html = _text_of(part)
        elif content_type == "text/plain" and text is None:
            text = _text_of(part)
    if html is None:
        html = f'<!DOCTYPE html>\n<meta charset="utf-8">\n<pre>{escape(text or "")}</pre>\n'

    def inline(found: re.Match[str]) -> str:
        return images.get(found[1].lower(), "data:,")

    html = re.sub(r"""cid:([^"'\s<>)]*)""", inline, html, flags=re.IGNORECASE)
    if not re.search(r"<meta[^>]+charset", html[:2048], flags=re.IGNORECASE):
        head = re.search(r"<head[^>]*>", html, flags=re.IGNORECASE)
        at = head.end() if head else 0
        html = f'{html[:at]}<meta charset="utf-8">{html[at:]}'
    return html


def _text_of(part: Message) -> str:
    payload = cast("bytes | None", part.get_payload(decode=True)) or b""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def _write_new(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` under a name nobody has taken yet, whole or not at all."""
    temporary = temporary_copy(folder, data)
    try:
        for n in range(1, 10_000):
            target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            try:
                os.link(temporary, target)  # atomic, and fails rather than replace
                return target
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: check, then rename
                if target.exists():
                    continue
                os.replace(temporary, target)
                return target
        raise FileExistsError(french.OUTBOX_TOO_MANY.format(stem=stem))
    finally:
        temporary.unlink(missing_ok=True)


# -- SMTP ----------------------------------------------------------------------------------------


class SmtpTransport:
    """smtplib over STARTTLS (default), implicit TLS (`ssl`), or plain (`none`, loopback only with a login).

    The certificate is checked with `ssl.create_default_context()` unless `ssl_context`
    is given (a test's throwaway certificate, a private CA). One connection per message.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        security: str = "starttls",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30,
        *,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ):
        if security not in ("starttls", "ssl", "none"):
            raise ValueError(french.SMTP_UNKNOWN_SECURITY.format(security=security))
        if bool(user) != bool(password):
            raise ValueError(french.SMTP_HALF_LOGIN)
        self.host = host
        self.port = port
        self.security = security
        self.user = user or None
        self.__password = password or None
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname

    def __repr__(self) -> str:
        login = f", user={self.user!r}, password='***'" if self.user else ""
        return f"SmtpTransport({self.host!r}, {self.port}, {self.security!r}{login})"

    def close(self) -> None:
        """Nothing to let go of: one connection per message."""

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, message: EmailMessage) -> str:
        message_id = message_id_of(message)
        recipients = email_recipients(message, "smtp")
        to = ", ".join(recipients)
        if self.user and self.security == "none" and self.host not in LOOPBACK_HOSTS:
            raise TransportError(french.SMTP_PASSWORD_IN_CLEAR.format(where=self.where, to=to))
        step = french.SMTP_STEPS["connect"]
        try:
            with self._connect() as smtp:
                if self.user:
                    step = french.SMTP_STEPS["login"]
                    self._login(smtp)
                step = french.SMTP_STEPS["send"]
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused: nothing was sent
            raise TransportError(
                french.SMTP_ALL_REFUSED.format(where=self.where, replies=self._replies(exc.recipients))
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            reply = self._reply(exc.smtp_code, exc.smtp_error)
            raise TransportError(
                french.SMTP_LOGIN_REFUSED.format(where=self.where, user=self.user, to=to, reply=reply)
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise TransportError(
                french.SMTP_NOT_SUPPORTED.format(
                    where=self.where, step=step, to=to, detail=self._redact(str(exc))
                )
            ) from None
        except smtplib.SMTPResponseException as exc:
            reply = self._reply(exc.smtp_code, exc.smtp_error)
            raise TransportError(
                french.SMTP_FAILED.format(where=self.where, step=step, to=to, detail=reply)
            ) from None
        except ssl.SSLError as exc:
            raise TransportError(
                french.SMTP_TLS_FAILED.format(
                    where=self.where, step=step, to=to, detail=self._redact(str(exc))
                )
            ) from None
        except UnicodeError as exc:  # never shown: its `object` may hold the password
            raise TransportError(
                french.SMTP_BAD_CHARACTERS.format(where=self.where, step=step, to=to, kind=type(exc).__name__)
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            if isinstance(exc, OSError) and (exc.errno is not None or isinstance(exc, TimeoutError)):
                # "connexion refusée", not "[Errno 111] Connection refused"
                detail = core_french.os_reason(exc)
            else:
                detail = self._redact(str(exc)) or type(exc).__name__
            raise TransportError(
                french.SMTP_FAILED.format(where=self.where, step=step, to=to, detail=detail)
            ) from None
        if refused:
            accepted = [r for r in recipients if r not in refused]
            raise RecipientsRefused(
                french.SMTP_SOME_REFUSED.format(
                    where=self.where,
                    refused=", ".join(refused),
                    replies=self._replies(refused),
                    accepted=", ".join(accepted),
                ),
                message_id,
                {address: self._reply(*reply) for address, reply in refused.items()},
            )
        log.info(french.SMTP_SENT.format(message_id=message_id, where=self.where, to=to))
        return message_id

    def _login(self, smtp: smtplib.SMTP) -> None:
        user, password = self.user or "", self.__password or ""
        if (user + password).isascii():
            smtp.login(user, password)
            return
        # smtplib sends credentials as ASCII only; AUTH PLAIN (RFC 4616) carries UTF-8.
        smtp.ehlo_or_helo_if_needed()
        if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
            raise smtplib.SMTPNotSupportedError(french.SMTP_NO_AUTH_PLAIN)
        code, reply = smtp.docmd("AUTH", "PLAIN " + _b64(f"\0{user}\0{password}"))
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, self.local_hostname, timeout=self.timeout, context=context
            )
        smtp = smtplib.SMTP(self.host, self.port, self.local_hostname, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=context)
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _replies(self, replies: Mapping[str, tuple[int, bytes | str]]) -> str:
        return "; ".join(f"{address} : {self._reply(*reply)}" for address, reply in replies.items())

    def _reply(self, code: int, text: bytes | str) -> str:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return self._redact(f"{code} {' '.join(text.split())}")

    def _redact(self, text: str) -> str:
        """The text without the password, nor the encodings AUTH PLAIN and AUTH LOGIN give it."""
        password = self.__password
        if not password:
            return text
        secrets = {password, _b64(password)}
        if self.user:
            secrets.add(_b64(f"\0{self.user}\0{password}"))
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


# -- Gmail ---------------------------------------------------------------------------------------


class GmailTransport:
    """The Gmail API's `users.messages.send`, as the account of `credentials`.

    Not retried: a send that timed out may have gone through, and the next run sends
    what the ledger does not hold anyway. `endpoint` sends the calls to the emulator.
    Call `close()` (or use it as a context manager) when done.
    """

    def __init__(
        self,
        credentials: Any,
        endpoint: str | None = None,
        *,
        timeout: float | None = 60,
        send_as: str | None = None,
    ):
        self.credentials = credentials
        self.send_as = send_as
        """The Workspace user a service account impersonates (`[google] send_as`), if any."""
        self.endpoint = endpoint
        self.timeout = timeout
        self._service: Any = None

    def __repr__(self) -> str:
        return f"GmailTransport(endpoint={self.endpoint!r})"

    def __enter__(self) -> GmailTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (httplib2 leaves them open); the next send opens new ones."""
        if self._service is not None:
            self._service.close()
            self._service = None

    def send(self, message: EmailMessage) -> str:
        import httplib2
        from google.auth.exceptions import GoogleAuthError
        from googleapiclient.errors import HttpError

        message_id_of(message)
        to = ", ".join(recipients_of(message)) or "?"  # none: Gmail refuses it, in its own words
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        try:
            if self._service is None:
                from lotsync.adapters.google.http import build_service

                self._service = build_service("gmail", "v1", self.credentials, self.endpoint, self.timeout)
            sent = self._service.users().messages().send(userId="me", body={"raw": raw}).execute()
        except HttpError as exc:
            if _lacks_scope(exc):
                raise TransportError(self._scope_missing(to)) from None
            from lotsync.adapters.google.errors import answer

            found = answer(exc)
            if found.status == 400 and "failedPrecondition" in found.reasons and self._is_service_account():
                # Google's answer to a service account that impersonates nobody (or a user it may not).
                text = french.GMAIL_NEEDS_DELEGATION if not self.send_as else french.GMAIL_DELEGATION_REFUSED
                raise TransportError(
                    text.format(to=to, user=self.send_as or "")
                    + french.GOOGLE_SAYS.format(message=found.message)
                ) from None
            reason = found.message or (exc.reason if isinstance(exc.reason, str) else "")
            raise TransportError(
                french.GMAIL_REFUSED.format(to=to, status=exc.status_code, reason=reason).rstrip() + "."
            ) from None
        except GoogleAuthError as exc:
            raise TransportError(
                french.GMAIL_CREDENTIALS_REFUSED.format(to=to, detail=str(exc)[:200])
            ) from None
        except (OSError, httplib2.HttpLib2Error) as exc:
            detail = core_french.os_reason(exc) if isinstance(exc, OSError) else type(exc).__name__
            raise TransportError(french.GMAIL_UNREACHABLE.format(to=to, detail=detail)) from None
        gmail_id = str(sent.get("id", ""))
        log.info(french.GMAIL_SENT.format(gmail_id=gmail_id, to=to))
        return gmail_id

    def _is_service_account(self) -> bool:
        from google.oauth2 import service_account

        return isinstance(self.credentials, service_account.Credentials)

    def _scope_missing(self, to: str) -> str:
        """What to do when the credentials lack gmail.send: log in again, or give the key the scope."""
        from google.oauth2.credentials import Credentials as PersonsCredentials

        from lotsync.adapters.google.credentials import GMAIL_SEND, SCOPE_NAMES

        if isinstance(self.credentials, PersonsCredentials):  # a token of `lotsync login`
            return french.GMAIL_SCOPE_MISSING_LOGIN.format(to=to, scope=SCOPE_NAMES[GMAIL_SEND])
        return french.GMAIL_SCOPE_MISSING_KEY.format(to=to, scope=SCOPE_NAMES[GMAIL_SEND], url=GMAIL_SEND)


def _lacks_scope(error: Any) -> bool:
    """Google's 403 for a token without the scope the call needs (googleapiclient's `HttpError`)."""
    if error.status_code != 403:
        return False
    header = str(error.resp.get("www-authenticate", "")) if error.resp is not None else ""
    details = error.error_details if isinstance(error.error_details, list) else []
    reasons = {str(d.get("reason", "")) for d in details if isinstance(d, dict)}
    return (
        "insufficient_scope" in header
        or bool(reasons & {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
        or "insufficient authentication scopes" in str(error.reason).lower()
    )


# -- from the configuration ----------------------------------------------------------------------


def transport_for(
    config: Any, *, google_credentials: Any = None, env: Mapping[str, str] = os.environ
) -> Transport:
    """The transport `[mail] transport` names.

    `config` is the whole `Config` (or its `MailConfig` alone, enough for the outbox
    and SMTP). SMTP reads its login and password from the environment variables the
    configuration names. Gmail uses `google_credentials` when given, else
    `load_credentials` with the gmail.send scope.
    """
    mail = getattr(config, "mail", config)
    if mail.transport == "outbox":
        return OutboxTransport(mail.outbox)
    if mail.transport == "smtp":
        user = env.get(mail.smtp_user_env) or None
        password = env.get(mail.smtp_password_env) or None
        if user and not password:
            raise TransportError(
                french.SMTP_NO_PASSWORD.format(
                    password_env=mail.smtp_password_env, user_env=mail.smtp_user_env
                )
            )
        if password and not user:
            raise TransportError(
                french.SMTP_NO_USER.format(user_env=mail.smtp_user_env, password_env=mail.smtp_password_env)
            )
        return SmtpTransport(
            mail.smtp_host, mail.smtp_port, mail.smtp_security, user, password, mail.smtp_timeout
        )
    if mail.transport == "gmail":
        google = getattr(config, "google", None)
        endpoint = google.endpoint if google is not None else None
        timeout = google.timeout if google is not None else 60
        if google_credentials is None:
            if google is None:
                raise TransportError(french.GMAIL_NEEDS_CONFIG)
            from lotsync.adapters.google.credentials import load_credentials, scopes_for

            google_credentials, _ = load_credentials(
                config, scopes_for(config, gmail=True), send_as=config.google.send_as
            )
        return GmailTransport(google_credentials, endpoint, timeout=timeout, send_as=config.google.send_as)
    raise TransportError(french.MAIL_UNKNOWN_TRANSPORT.format(transport=mail.transport))


class RunTransport:
    """A run's transport, for commands that send several mails: the one given (its caller closes
    it), else `transport_for(config)` opened at the first mail (a run that sends nothing opens
    none) and closed by `close()`."""

    def __init__(self, config: Any, given: Any = None):
        self._config = config
        self._given = given
        self._opened: Any = None

    def get(self) -> Any:
        if self._given is not None:
            return self._given
        if self._opened is None:
            # Gmail: the credentials, with `[google] send_as`, are the transport's to load
            self._opened = transport_for(self._config)
        return self._opened

    def close(self) -> None:
        opened, self._opened = self._opened, None
        if opened is not None and hasattr(opened, "close"):
            opened.close()
