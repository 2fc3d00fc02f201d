"""Gmail v1 through the unmodified googleapiclient: send a real mail, read it back.

A mail leaves from a person's mailbox: a service account sends only as the Workspace user it
impersonates (`with_subject`, domain-wide delegation); as itself, Gmail refuses it.
"""

from __future__ import annotations

import base64
import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import make_msgid

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

SA_EMAIL = "lotsync@fake-project.iam.gserviceaccount.com"
ALICE = "alice@example.org"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def gmail_as_alice(build, sa_creds):
    """Gmail v1 as the service account impersonating Alice (its token has `sub`: Alice)."""
    return build("gmail", "v1", sa_creds.with_subject(ALICE))


def report_mail(cte: str | None = None, sender: str = ALICE) -> tuple[EmailMessage, str]:
    """A multipart/alternative mail whose HTML part shows an inline image, as lotsync would send."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "cahors@example.org, figeac@example.org"
    message["Subject"] = "Soldes du collectif — juin 2026"
    message.set_content("Bonjour,\nLes soldes : Cahors +436,66 €.\n", cte=cte)
    cid = make_msgid(domain="lotsync.local")
    html = f'<p>Les soldes : <b>Cahors +436,66 €</b></p><img src="cid:{cid[1:-1]}">'
    message.add_alternative(html, subtype="html", cte=cte)
    message.get_payload()[1].add_related(PNG, "image", "png", cid=cid, filename="soldes.png")
    return message, cid


def raw_of(message: EmailMessage) -> str:
    return base64.urlsafe_b64encode(message.as_bytes()).decode()


def check_report(parsed: EmailMessage, cid: str) -> None:
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == "Soldes du collectif — juin 2026"
    assert parsed["To"] == "cahors@example.org, figeac@example.org"
    text, related = parsed.get_payload()
    assert text.get_content() == "Bonjour,\nLes soldes : Cahors +436,66 €.\n"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert "Cahors +436,66 €" in html.get_content()
    assert f"cid:{cid[1:-1]}" in html.get_content()
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == cid
    assert image.get_content() == PNG


def test_send_a_multipart_mail_with_an_inline_image_and_read_it_back(google, gmail_as_alice):
    message, cid = report_mail()

    sent = gmail_as_alice.users().messages().send(userId="me", body={"raw": raw_of(message)}).execute()

    assert set(sent) == {"id", "threadId", "labelIds"}
    assert sent["labelIds"] == ["SENT"]
    [parsed] = google.sent_messages()
    check_report(parsed, cid)
    assert parsed["From"] == ALICE
    assert google.store.messages[0].user == ALICE
    assert google.log.by_endpoint() == {"gmail.users.messages.send": 1}


def test_a_service_account_without_a_subject_gets_400_failed_precondition(google, build, sa_creds_with):
    gmail = build("gmail", "v1", sa_creds_with(GMAIL_SEND, GMAIL_READONLY))
    message, _ = report_mail(sender=SA_EMAIL)

    for call in (
        gmail.users().messages().send(userId="me", body={"raw": raw_of(message)}),
        gmail.users().messages().send(userId=SA_EMAIL, body={"raw": raw_of(message)}),
        gmail.users().messages().list(userId="me"),
    ):
        with pytest.raises(HttpError) as raised:
            call.execute()
        assert raised.value.resp.status == 400
        assert json.loads(raised.value.content) == {
            "error": {
                "code": 400,
                "message": "Precondition check failed.",
                "errors": [
                    {
                        "message": "Precondition check failed.",
                        "domain": "global",
                        "reason": "failedPrecondition",
                    }
                ],
                "status": "FAILED_PRECONDITION",
            }
        }
    assert google.sent_messages() == []


def test_the_impersonated_user_may_be_named_instead_of_me(google, gmail_as_alice):
    message, _ = report_mail()

    gmail_as_alice.users().messages().send(userId=ALICE, body={"raw": raw_of(message)}).execute()

    assert [m.user for m in google.store.messages] == [ALICE]


def test_a_from_that_is_not_the_mailbox_is_rewritten_to_it(google, gmail_as_alice):
    # Gmail sends from the mailbox whatever the From says, when it is not one of its aliases.
    message, cid = report_mail(sender=f"Lotsync <{SA_EMAIL}>")

    gmail_as_alice.users().messages().send(userId="me", body={"raw": raw_of(message)}).execute()

    [parsed] = google.sent_messages()
    assert parsed["From"] == f"Lotsync <{ALICE}>"
    check_report(parsed, cid)


def test_users_messages_get_format_raw_gives_the_same_bytes(build, sa_creds_with):
    gmail = build("gmail", "v1", sa_creds_with(GMAIL_SEND, GMAIL_READONLY).with_subject(ALICE))
    message, cid = report_mail()
    sent = gmail.users().messages().send(userId="me", body={"raw": raw_of(message)}).execute()

    got = gmail.users().messages().get(userId="me", id=sent["id"], format="raw").execute()

    assert got["id"] == sent["id"]
    assert got["threadId"] == sent["threadId"]
    data = base64.urlsafe_b64decode(got["raw"] + "=" * (-len(got["raw"]) % 4))
    assert data == message.as_bytes()
    check_report(message_from_bytes(data, policy=default), cid)
    listed = gmail.users().messages().list(userId="me").execute()
    assert listed["messages"] == [{"id": sent["id"], "threadId": sent["threadId"]}]
    assert listed["resultSizeEstimate"] == 1


def test_send_as_a_media_upload(google, gmail_as_alice):
    message, cid = report_mail()
    media = MediaInMemoryUpload(message.as_bytes(), mimetype="message/rfc822", resumable=False)

    sent = gmail_as_alice.users().messages().send(userId="me", media_body=media).execute()

    assert sent["labelIds"] == ["SENT"]
    [parsed] = google.sent_messages()
    check_report(parsed, cid)
    assert [e.path for e in google.log.entries if e.endpoint.startswith("gmail")] == [
        "/upload/gmail/v1/users/me/messages/send"
    ]


def test_send_as_a_multipart_upload_with_metadata(google, gmail_as_alice):
    # googleapiclient writes a multipart upload's message/rfc822 part as ASCII: no 8-bit text in it.
    message, cid = report_mail(cte="quoted-printable")
    media = MediaInMemoryUpload(message.as_bytes(), mimetype="message/rfc822", resumable=False)

    gmail_as_alice.users().messages().send(userId="me", body={}, media_body=media).execute()

    [parsed] = google.sent_messages()
    check_report(parsed, cid)


def test_a_mail_without_recipients_gets_gmails_400(raw):
    message = EmailMessage()
    message["Subject"] = "nobody"
    message.set_content("x")

    answer = raw(ALICE).post("/gmail/v1/users/me/messages/send", json={"raw": raw_of(message)})

    assert answer.status_code == 400
    assert answer.json() == {
        "error": {
            "code": 400,
            "message": "Invalid To header",
            "errors": [{"message": "Invalid To header", "domain": "global", "reason": "invalidArgument"}],
            "status": "INVALID_ARGUMENT",
        }
    }


def test_sending_from_another_mailbox_is_refused(google, gmail_as_alice):
    message, _ = report_mail()

    with pytest.raises(HttpError) as raised:
        gmail_as_alice.users().messages().send(
            userId="someone@example.org", body={"raw": raw_of(message)}
        ).execute()

    assert raised.value.resp.status == 403
    error = json.loads(raised.value.content)["error"]
    assert (error["status"], error["message"]) == ("PERMISSION_DENIED", f"Delegation denied for {ALICE}")
    assert google.sent_messages() == []


def test_a_person_with_their_own_token_sends_from_their_mailbox(google, build, user_creds):
    gmail = build("gmail", "v1", user_creds("bob@example.org"))
    message, cid = report_mail(sender="bob@example.org")

    gmail.users().messages().send(userId="me", body={"raw": raw_of(message)}).execute()

    [parsed] = google.sent_messages()
    assert parsed["From"] == "bob@example.org"
    check_report(parsed, cid)


def test_an_unknown_message_and_someone_elses_message_are_404(google, raw):
    message, _ = report_mail()
    sent = raw(ALICE).post("/gmail/v1/users/me/messages/send", json={"raw": raw_of(message)}).json()

    for user, message_id in ((ALICE, "0123456789abcdef"), ("bob@example.org", sent["id"])):
        answer = raw(user).get(f"/gmail/v1/users/me/messages/{message_id}", params={"format": "raw"})
        assert answer.status_code == 404
        assert answer.json()["error"]["status"] == "NOT_FOUND"
    assert raw("bob@example.org").get("/gmail/v1/users/me/messages").json() == {"resultSizeEstimate": 0}
