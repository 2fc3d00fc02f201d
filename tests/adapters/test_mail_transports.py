"""The three ways a digest leaves, each tested for real.

SMTP: an aiosmtpd server on 127.0.0.1 with a throwaway self-signed certificate
(STARTTLS, then implicit TLS) and a login, whose received bytes are parsed back
with the standard `email` package. Gmail: the Google emulator in-process, with
service-account credentials. Outbox: files in a temporary folder.
"""

from __future__ import annotations

import base64
import ipaddress
import socket
import ssl
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from adapters.test_mail import AMOUNT, CID, PNG, Rendered
from lotsync.adapters.config import MailConfig
from lotsync.adapters.mail import compose
from lotsync.adapters.mail_transports import (
    GmailTransport,
    OutboxTransport,
    RecipientsRefused,
    SmtpTransport,
    TransportError,
    preview_html,
    transport_for,
)
from lotsync.app import emulator_clients as clients

USER = "digest@ot-lot.fr"
PASSWORD = "Ça-reste-entre-nous-42"
SENDER = f"Collectif du Lot <{USER}>"
REFUSED = "ancienne@ot-cahors.fr"


# -- a throwaway certificate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client that trusts this certificate only, hostname checked as usual."""
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Certificate(cert_path, key_path)


# -- an SMTP server that keeps what it receives --------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: bytes | None
    tls: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=default)


@dataclass
class Mailbox:
    """aiosmtpd handler: refuses the addresses of `refuse` with 550, keeps every message."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        tls = server.transport.get_extra_info("cipher") is not None
        login = session.auth_data.login if session.authenticated else None
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, login, tls)
        )
        return "250 2.0.0 OK"


ECHO = "echo@ot-lot.fr"
ACCOUNTS = {USER: PASSWORD, "ascii@ot-lot.fr": "plain-ascii-pass-7"}
"""The server's accounts: the first password is not ASCII, which smtplib's login cannot send."""


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    good = isinstance(data, LoginPassword) and ACCOUNTS.get(data.login.decode()) == data.password.decode()
    if not good and data.login == ECHO.encode():  # a careless server that quotes what it was sent
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 {data.password.decode()} is wrong"
        )
    return AuthResult(success=good, handled=False, auth_data=data if good else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    mailbox: Mailbox
    port: int


@pytest.fixture
def smtp_server(certificate: Certificate) -> Iterator[Callable[..., Server]]:
    """`smtp_server(implicit_tls=False, refuse=())`: a started aiosmtpd server on 127.0.0.1."""
    started: list[Controller] = []

    def start(*, implicit_tls: bool = False, refuse: tuple[str, ...] = ()) -> Server:
        mailbox = Mailbox(refuse={a.lower() for a in refuse})
        if implicit_tls:
            # aiosmtpd 1.4 advertises AUTH under implicit TLS only with auth_require_tls=False:
            # it knows TLS from STARTTLS alone. The whole connection is TLS here anyway.
            tls = {"ssl_context": certificate.server_context(), "auth_require_tls": False}
        else:
            tls = {"tls_context": certificate.server_context(), "require_starttls": True}
            tls["auth_require_tls"] = True
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=free_port(),
            authenticator=authenticator,
            server_hostname="smtp.test",
            **tls,
        )
        controller.start()
        started.append(controller)
        return Server(mailbox, controller.port)

    yield start
    for controller in started:
        controller.stop()


def smtp(certificate: Certificate, port: int, **kwargs: Any) -> SmtpTransport:
    options = {"security": "starttls", "user": USER, "password": PASSWORD, "timeout": 5}
    return SmtpTransport("127.0.0.1", port, ssl_context=certificate.client_context(), **{**options, **kwargs})


def digest(*recipients: str, **rendered: Any) -> EmailMessage:
    return compose(Rendered(**rendered), SENDER, list(recipients or ["florence@ot-cahors.fr"]))


def check_digest(received: EmailMessage, sent: EmailMessage) -> None:
    """What a mail client shows: the same headers, both alternatives, the chart where the HTML wants it."""
    assert received["Subject"] == Rendered.subject
    assert received["From"] == sent["From"]
    assert received["To"] == sent["To"]
    assert received["Message-ID"] == sent["Message-ID"]
    assert received["Date"] == sent["Date"]
    assert received.get_content_type() == "multipart/alternative"
    text, related = received.get_payload()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    for part in (text, html):
        content = part.get_content()
        assert "1 234,50 €" in content
        assert AMOUNT in content  # Babel's narrow no-break spaces intact
        assert "« Réservé »" in content
    assert f'src="cid:{CID}"' in html.get_content()
    assert image["Content-ID"] == f"<{CID}>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG


# -- SMTP ----------------------------------------------------------------------------------------


def test_starttls_with_login_delivers_the_digest(smtp_server, certificate) -> None:
    server = smtp_server()
    message = digest("Florence Martin <florence@ot-cahors.fr>", "accueil@ot-cahors.fr")

    message_id = smtp(certificate, server.port).send(message)

    [received] = server.mailbox.received
    assert message_id == message["Message-ID"]
    assert received.tls
    assert received.login == USER.encode()
    assert received.mail_from == USER
    assert received.rcpt_tos == ["florence@ot-cahors.fr", "accueil@ot-cahors.fr"]
    check_digest(received.message, message)


def test_implicit_tls_smtps_delivers_the_digest(smtp_server, certificate) -> None:
    server = smtp_server(implicit_tls=True)
    message = digest()

    smtp(certificate, server.port, security="ssl").send(message)

    [received] = server.mailbox.received
    assert received.tls
    assert received.login == USER.encode()
    check_digest(received.message, message)


@pytest.mark.parametrize("wrong", ["Mauvais-Mot-De-Passe-99", "Mauvais-Mot-De-Passe-Ç"])
def test_a_wrong_password_is_reported_without_the_password(smtp_server, certificate, caplog, wrong) -> None:
    server = smtp_server()
    transport = smtp(certificate, server.port, password=wrong)

    with pytest.raises(TransportError) as caught:
        transport.send(digest())

    error = caught.value
    text = str(error)
    assert f"127.0.0.1:{server.port}" in text
    assert "florence@ot-cahors.fr" in text
    assert "identifiant" in text and USER in text
    everything = "".join(traceback.format_exception(error)) + repr(error) + repr(transport) + caplog.text
    secrets = (
        wrong,
        base64.b64encode(wrong.encode()).decode(),
        base64.b64encode(f"\0{USER}\0{wrong}".encode()).decode(),
    )
    for secret in secrets:
        assert secret not in everything
    assert error.__cause__ is None and error.__suppress_context__
    assert server.mailbox.received == []


def test_a_password_the_server_echoes_is_blanked_out(smtp_server, certificate) -> None:
    server = smtp_server()
    secret = "Echo-Echo-Echo-5"

    with pytest.raises(TransportError) as caught:
        smtp(certificate, server.port, user=ECHO, password=secret).send(digest())

    assert secret not in str(caught.value)
    assert "535 5.7.8 *** is wrong" in str(caught.value)


def test_an_ascii_login_goes_through_smtplib_login(smtp_server, certificate) -> None:
    server = smtp_server()

    smtp(certificate, server.port, user="ascii@ot-lot.fr", password="plain-ascii-pass-7").send(digest())

    [received] = server.mailbox.received
    assert received.login == b"ascii@ot-lot.fr"


def test_an_untrusted_certificate_is_refused(smtp_server) -> None:
    server = smtp_server()
    transport = SmtpTransport("127.0.0.1", server.port, "starttls", USER, PASSWORD, 5)  # system CAs only

    with pytest.raises(TransportError, match="échec TLS") as caught:
        transport.send(digest())

    assert PASSWORD not in str(caught.value)
    assert server.mailbox.received == []


def test_a_server_that_requires_starttls_refuses_plain_smtp(smtp_server, certificate) -> None:
    server = smtp_server()

    with pytest.raises(TransportError, match=rf"127\.0\.0\.1:{server.port}"):
        smtp(certificate, server.port, security="none", user=None, password=None).send(digest())

    assert server.mailbox.received == []


def test_no_password_in_clear_to_a_remote_server() -> None:
    transport = SmtpTransport("smtp.example.org", 25, "none", USER, PASSWORD)

    with pytest.raises(TransportError, match="en clair") as caught:
        transport.send(digest())  # refused before any connection

    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(transport)


def test_nothing_listening_is_reported_with_host_and_port(certificate) -> None:
    port = free_port()

    with pytest.raises(TransportError, match=rf"SMTP 127\.0\.0\.1:{port} \(connexion"):
        smtp(certificate, port).send(digest())


def test_refused_recipients_are_named_and_the_others_get_the_message(smtp_server, certificate) -> None:
    server = smtp_server(refuse=(REFUSED,))
    transport = smtp(certificate, server.port)
    alone, partly = digest(REFUSED), digest("marine@ot-figeac.fr", REFUSED)

    with pytest.raises(TransportError) as everyone:
        transport.send(alone)
    with pytest.raises(RecipientsRefused) as some:
        transport.send(partly)

    assert not isinstance(everyone.value, RecipientsRefused)  # nobody got it
    assert REFUSED in str(everyone.value) and "550" in str(everyone.value)
    assert some.value.message_id == partly["Message-ID"]
    assert list(some.value.refused) == [REFUSED]
    assert REFUSED in str(some.value) and "marine@ot-figeac.fr" in str(some.value)
    got = [(r.rcpt_tos, r.message["Message-ID"]) for r in server.mailbox.received]
    assert got == [(["marine@ot-figeac.fr"], partly["Message-ID"])]
    assert PASSWORD not in str(everyone.value) + str(some.value)


def test_transport_for_smtp_reads_login_and_password_from_the_environment(smtp_server, certificate) -> None:
    server = smtp_server()
    mail = MailConfig(
        transport="smtp",
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        smtp_user_env="OT_SMTP_LOGIN",
        smtp_password_env="OT_SMTP_SECRET",
        smtp_timeout=5,
    )

    transport = transport_for(mail, env={"OT_SMTP_LOGIN": USER, "OT_SMTP_SECRET": PASSWORD})

    assert isinstance(transport, SmtpTransport)
    assert PASSWORD not in repr(transport)
    transport.ssl_context = certificate.client_context()
    transport.send(digest())
    [received] = server.mailbox.received
    assert received.login == USER.encode()


def test_transport_for_smtp_wants_both_variables_or_neither() -> None:
    mail = MailConfig(transport="smtp", smtp_user_env="OT_SMTP_LOGIN", smtp_password_env="OT_SMTP_SECRET")

    with pytest.raises(TransportError, match="OT_SMTP_SECRET"):
        transport_for(mail, env={"OT_SMTP_LOGIN": USER})
    with pytest.raises(TransportError, match="OT_SMTP_LOGIN") as caught:
        transport_for(mail, env={"OT_SMTP_SECRET": PASSWORD})
    assert PASSWORD not in str(caught.value)
    anonymous = transport_for(mail, env={})
    assert isinstance(anonymous, SmtpTransport) and anonymous.user is None


# -- Gmail ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sa_info() -> dict[str, Any]:
    return clients.service_account_info("http://127.0.0.1:1")  # one throwaway RSA key for the module


def test_gmail_sends_the_very_same_message(google, sa_info) -> None:
    """A service account sends as the Workspace user it impersonates (domain-wide delegation)."""
    credentials = clients.service_account_credentials(google.base_url, sa_info).with_subject(USER)
    message = digest("florence@ot-cahors.fr", "accueil@ot-cahors.fr")

    with GmailTransport(credentials, endpoint=google.base_url, send_as=USER) as transport:
        gmail_id = transport.send(message)

    [stored] = google.store.messages
    assert gmail_id == stored.id
    assert stored.raw == message.as_bytes()
    [received] = google.sent_messages()
    check_digest(received, message)
    assert google.log.by_endpoint() == {"gmail.users.messages.send": 1}


SHEETS_ONLY = ("https://www.googleapis.com/auth/spreadsheets",)


def test_a_service_account_that_impersonates_nobody_is_told_about_delegation(google, sa_info) -> None:
    """Gmail answers 400 failedPrecondition to a service account without a subject (the emulator
    answers as Google does); the French message says what to set and where."""
    credentials = clients.service_account_credentials(google.base_url, sa_info)

    with (
        GmailTransport(credentials, endpoint=google.base_url) as transport,
        pytest.raises(TransportError) as caught,
    ):
        transport.send(digest("florence@ot-cahors.fr"))

    text = str(caught.value)
    assert "[google] send_as" in text and "Délégation au niveau du domaine" in text
    assert text.endswith("Google dit : « Precondition check failed. »")
    assert google.store.messages == []


def test_gmail_without_the_send_scope_says_to_log_in_again(google) -> None:
    """A person's token from a `lotsync login` that did not ask for Gmail (or that was unticked)."""
    sheets_only = clients.user_credentials(google.base_url, "marine@ot-lot.fr", SHEETS_ONLY)

    with (
        GmailTransport(sheets_only, endpoint=google.base_url) as transport,
        pytest.raises(TransportError) as caught,
    ):
        transport.send(digest("florence@ot-cahors.fr"))

    text = str(caught.value)
    assert text.startswith("Gmail a refusé le message pour florence@ot-cahors.fr : ")
    assert "« Gmail (envoi des récapitulatifs seulement) »" in text
    assert "Relancez `lotsync login`" in text and 'transport = "gmail"' in text
    assert google.store.messages == []


def test_a_key_without_the_send_scope_names_the_scope(google, sa_info) -> None:
    sheets_only = clients.service_account_credentials(google.base_url, sa_info, scopes=SHEETS_ONLY)

    with (
        GmailTransport(sheets_only, endpoint=google.base_url) as transport,
        pytest.raises(TransportError) as caught,
    ):
        transport.send(digest("florence@ot-cahors.fr"))

    text = str(caught.value)
    assert text.startswith("Gmail a refusé le message pour florence@ot-cahors.fr : ")
    assert "https://www.googleapis.com/auth/gmail.send" in text
    assert "lotsync login" not in text  # no login in use: that advice would not help
    assert google.store.messages == []


def test_gmail_refusing_for_another_reason_says_what_google_said(google) -> None:
    credentials = clients.user_credentials(google.base_url, "marine@ot-lot.fr")
    with (
        GmailTransport(credentials, endpoint=google.base_url) as transport,
        pytest.raises(TransportError) as caught,
    ):
        transport.send(EmailMessage())  # no recipient: Google refuses the message itself

    assert str(caught.value) == "Gmail a refusé le message pour ? : 400 Invalid To header."


def test_transport_for_gmail_uses_the_given_credentials_and_endpoint(google, sa_info) -> None:
    from lotsync.adapters.config import Config, GoogleConfig, MemberConfig, SharedConfig

    config = Config(
        google=GoogleConfig(endpoint=google.base_url, send_as=USER),
        mail=MailConfig(transport="gmail"),
        shared=SharedConfig(source="collectif.xlsx"),
        members=[
            MemberConfig(id="cahors", name="Cahors", source="cahors.xlsx"),
            MemberConfig(id="figeac", name="Figeac", source="figeac.xlsx"),
        ],
    )
    credentials = clients.service_account_credentials(google.base_url, sa_info).with_subject(USER)

    transport = transport_for(config, google_credentials=credentials)
    assert isinstance(transport, GmailTransport)
    with transport:
        transport.send(digest())
        transport.close()  # closing between sends is fine: the next one reconnects
        transport.send(digest())

    assert len(google.sent_messages()) == 2


# -- outbox --------------------------------------------------------------------------------------


def test_outbox_writes_eml_and_html_preview(tmp_path) -> None:
    outbox = OutboxTransport(tmp_path / "outbox", clock=lambda: datetime(2026, 11, 23, 7, 30, 5))
    message = digest()

    message_id = outbox.send(message)

    assert message_id == message["Message-ID"]
    eml = (
        tmp_path / "outbox" / "20261123-073005-collectif-du-lot-cahors-semaine-du-lundi-23-novembre-2026.eml"
    )
    html = eml.with_suffix(".html")
    assert sorted(p.name for p in eml.parent.iterdir()) == [eml.name, html.name]  # no temporary left
    assert eml.read_bytes() == message.as_bytes()
    check_digest(message_from_bytes(eml.read_bytes(), policy=default), message)
    preview = html.read_text(encoding="utf-8")
    assert "cid:" not in preview
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in preview
    assert "1 234,50 €" in preview and "« Réservé »" in preview


def test_outbox_names_never_collide(tmp_path) -> None:
    outbox = OutboxTransport(tmp_path, clock=lambda: datetime(2026, 11, 23, 7, 30, 5))
    messages = [digest(f"office{i}@ot-lot.fr") for i in range(3)]

    paths = [outbox.write(m)[0] for m in messages]

    assert [p.name for p in paths] == [
        "20261123-073005-collectif-du-lot-cahors-semaine-du-lundi-23-novembre-2026.eml",
        "20261123-073005-collectif-du-lot-cahors-semaine-du-lundi-23-novembre-2026-2.eml",
        "20261123-073005-collectif-du-lot-cahors-semaine-du-lundi-23-novembre-2026-3.eml",
    ]
    for path, message in zip(paths, messages, strict=True):
        assert message_from_bytes(path.read_bytes(), policy=default)["To"] == message["To"]
        assert path.with_suffix(".html").is_file()
    assert len(list(tmp_path.iterdir())) == 6


def test_outbox_from_the_configuration(tmp_path) -> None:
    transport = transport_for(MailConfig(outbox=str(tmp_path / "envois")))

    assert isinstance(transport, OutboxTransport)
    transport.send(digest(subject="Semaine 48 : rien à signaler"))
    [eml] = (tmp_path / "envois").glob("*.eml")
    assert eml.name.endswith("-semaine-48-rien-a-signaler.eml")


def test_outbox_that_cannot_be_written_is_a_transport_error(tmp_path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")

    with pytest.raises(TransportError) as caught:
        OutboxTransport(blocker / "outbox").send(digest())

    assert "boîte d'envoi" in str(caught.value) and "florence@ot-cahors.fr" in str(caught.value)


def test_preview_of_a_text_only_message_is_escaped() -> None:
    message = EmailMessage()
    message["To"] = "a@b.fr"
    message.set_content("<script>alert(1)</script> 1 234,50 €")

    preview = preview_html(message)

    assert "<script>" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 1 234,50 €" in preview
    assert '<meta charset="utf-8">' in preview


def test_preview_drops_a_cid_it_cannot_resolve() -> None:
    message = digest(html='<html><head></head><body><img src="cid:absent@lotsync"></body></html>')

    preview = preview_html(message)

    assert "cid:" not in preview
    assert '<head><meta charset="utf-8"></head>' in preview


# -- an office's address typed as a URL ------------------------------------------------------------


def test_no_mail_transport_takes_a_message_whose_only_recipient_is_a_url(
    tmp_path: Path, google, sa_info
) -> None:
    """A URL typed where an office's e-mail address belongs travels as another channel's recipient
    (adapters/mail.py): written to the outbox or sent to nobody, it would pass for delivered. Gmail
    refuses a message without recipient itself."""
    message = digest("https://www.ot-cahors.fr/contact?jeton=s3cr3t")

    for transport in (OutboxTransport(tmp_path / "outbox"), SmtpTransport("127.0.0.1", 9)):
        with pytest.raises(TransportError) as refused:
            transport.send(message)
        assert "Aucune adresse e-mail parmi les destinataires (https://www.ot-cahors.fr/…)" in str(
            refused.value
        )
        assert "s3cr3t" not in str(refused.value)
    credentials = clients.service_account_credentials(google.base_url, sa_info).with_subject(USER)
    with (
        GmailTransport(credentials, endpoint=google.base_url, send_as=USER) as gmail,
        pytest.raises(TransportError, match="Gmail a refusé le message"),
    ):
        gmail.send(message)

    assert not (tmp_path / "outbox").exists() and not google.store.messages
