"""Bad days on demand: every fault kind, `times=`, seeded `rate=`, endpoint globs, and the request log;
set-up mistakes on demand: an API not enabled in the Cloud project, a token without the method's scope."""

from __future__ import annotations

import json
import time

import pytest
import requests
from googleapiclient.errors import HttpError

from fake_google import FakeGoogle
from fake_google.faults import Faults

ALICE = "alice@example.org"
LIST = "/drive/v3/files"
MESSAGES = "/gmail/v1/users/me/messages"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


def disabled_message(title: str, service: str, project: str) -> str:
    return (
        f"{title} has not been used in project {project} before or it is disabled. Enable it by visiting "
        f"https://console.developers.google.com/apis/api/{service}/overview?project={project} then retry. "
        "If you enabled this API recently, wait a few minutes for the action to propagate to our systems "
        "and retry."
    )


# -- each kind, on the wire -----------------------------------------------------------


def test_latency_delays_the_answer(google, raw):
    alice = raw(ALICE)
    alice.get(LIST)  # connect once, so that only the fault is measured
    google.faults.add("latency", "drive.files.list", seconds=0.3)

    started = time.perf_counter()
    slow = alice.get(LIST)
    slow_took = time.perf_counter() - started
    started = time.perf_counter()
    fast = alice.get(MESSAGES)
    fast_took = time.perf_counter() - started

    assert slow.status_code == fast.status_code == 200
    assert 0.3 <= slow_took < 1.5
    assert fast_took < 0.2
    entry = google.log.entries[-2]
    assert (entry.endpoint, entry.fault) == ("drive.files.list", None)
    assert entry.seconds >= 0.3


def test_latency_then_a_failure_both_apply(google, raw):
    google.faults.add("latency", "drive.*", seconds=0.2, times=1)
    google.faults.add("503", "drive.*", times=1)

    started = time.perf_counter()
    answer = raw(ALICE).get(LIST)

    assert answer.status_code == 503
    assert time.perf_counter() - started >= 0.2


def test_429_without_retry_after(google, raw):
    google.faults.add("429", "drive.files.list")

    answer = raw(ALICE).get(LIST)

    assert answer.status_code == 429
    assert "Retry-After" not in answer.headers
    error = answer.json()["error"]
    assert error["code"] == 429
    assert error["errors"][0]["reason"] == "rateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"


def test_429_with_retry_after_in_sheets_and_gmail_shape(google, raw):
    google.faults.add("429", "gmail.*", retry_after=7)

    answer = raw(ALICE).get(MESSAGES)

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    error = answer.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"] == "Resource has been exhausted (e.g. check quota)."


@pytest.mark.parametrize(
    ("reason", "message"),
    [("rateLimitExceeded", "Rate Limit Exceeded"), ("userRateLimitExceeded", "User Rate Limit Exceeded")],
)
def test_drive_403_rate_limits(google, raw, reason, message):
    google.faults.add("rate_limit", "drive.*", reason=reason)

    answer = raw(ALICE).get(LIST)

    assert answer.status_code == 403
    assert answer.json() == {
        "error": {
            "code": 403,
            "message": message,
            "errors": [{"message": message, "domain": "usageLimits", "reason": reason}],
        }
    }


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("500", "INTERNAL", "Internal error encountered."),
        ("503", "UNAVAILABLE", "The service is currently unavailable."),
    ],
)
def test_500_and_503_in_googles_json(google, raw, kind, status, message):
    google.faults.add(kind, "gmail.*")

    answer = raw(ALICE).get(MESSAGES)

    assert answer.status_code == int(kind)
    error = answer.json()["error"]
    assert (error["code"], error["status"], error["message"]) == (int(kind), status, message)
    drive = raw(ALICE).get(LIST)
    assert drive.status_code == 200


def test_502_is_googles_html_page(google, raw):
    google.faults.add("502")

    answer = raw(ALICE).get(LIST)

    assert answer.status_code == 502
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Error 502 (Server Error)" in answer.text


def test_drop_closes_the_connection_without_an_answer(google, raw):
    google.faults.add("drop", "drive.files.list", times=1)

    with pytest.raises(requests.ConnectionError):
        raw(ALICE).get(LIST)

    assert raw(ALICE).get(LIST).status_code == 200
    entries = [(e.endpoint, e.status, e.fault) for e in google.log.entries]
    assert entries == [("drive.files.list", 0, "drop"), ("drive.files.list", 200, None)]


def test_hang_times_a_client_out_and_the_server_still_stops_quickly():
    emulator = FakeGoogle().start()
    try:
        emulator.faults.add("hang", "drive.files.list")
        session = requests.Session()
        session.trust_env = False
        token = emulator.token_for(ALICE)
        started = time.perf_counter()
        with pytest.raises(requests.Timeout):
            session.get(emulator.base_url + LIST, headers={"Authorization": f"Bearer {token}"}, timeout=0.3)
        assert time.perf_counter() - started < 1.0
    finally:
        started = time.perf_counter()
        emulator.stop()
        assert time.perf_counter() - started < 1.0


def test_a_hang_with_seconds_ends_in_a_closed_connection(google, raw):
    google.faults.add("hang", "drive.files.list", seconds=0.2, times=1)

    started = time.perf_counter()
    with pytest.raises(requests.ConnectionError):
        raw(ALICE).get(LIST, timeout=3)

    assert 0.2 <= time.perf_counter() - started < 1.5


# -- set-up mistakes: an API not enabled, a scope missing ----------------------------


def test_an_api_not_enabled_in_the_project_gets_403_service_disabled_in_sheets_shape(google, build, sa_creds):
    google.faults.add("service_disabled", "sheets.*", project="123456789012")
    sheets = build("sheets", "v4", sa_creds)

    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().get(spreadsheetId="1abc").execute()

    assert raised.value.resp.status == 403
    message = disabled_message("Google Sheets API", "sheets.googleapis.com", "123456789012")
    url = "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456789012"
    assert json.loads(raised.value.content) == {
        "error": {
            "code": 403,
            "message": message,
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "SERVICE_DISABLED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "consumer": "projects/123456789012",
                        "service": "sheets.googleapis.com",
                        "serviceTitle": "Google Sheets API",
                        "containerInfo": "123456789012",
                        "activationUrl": url,
                    },
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": message,
                },
                {
                    "@type": "type.googleapis.com/google.rpc.Help",
                    "links": [{"description": "Google developers console API activation", "url": url}],
                },
            ],
        }
    }
    assert google.log.entries[-1].fault == "service_disabled"


def test_drive_and_gmail_not_enabled_keep_their_errors_entry(google, raw):
    google.faults.add("service_disabled", "drive.*")
    google.faults.add("service_disabled", "gmail.*")

    for path, title, service in ((LIST, "Google Drive API", "drive"), (MESSAGES, "Gmail API", "gmail")):
        answer = raw(ALICE).get(path)
        assert answer.status_code == 403
        error = answer.json()["error"]
        message = disabled_message(title, f"{service}.googleapis.com", "000000000000")
        assert error["message"] == message
        assert error["errors"] == [
            {
                "message": message,
                "domain": "usageLimits",
                "reason": "accessNotConfigured",
                "extendedHelp": "https://console.developers.google.com",
            }
        ]
        assert error["status"] == "PERMISSION_DENIED"
        assert error["details"][0]["reason"] == "SERVICE_DISABLED"


def test_a_missing_scope_on_demand_even_with_every_scope(google, raw):
    google.faults.add("scope_insufficient", "drive.files.list", times=1)
    alice = raw(ALICE)

    refused = alice.get(LIST)

    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["message"] == "Request had insufficient authentication scopes."
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert alice.get(LIST).status_code == 200


def test_set_up_mistakes_through_the_control_endpoint(google, raw):
    control = raw()
    rule = {"kind": "service_disabled", "endpoint": "sheets.*", "project": "42"}

    assert control.post("/_emulator/faults", json=rule).json()["faults"][0]["project"] == "42"

    answer = raw(ALICE).get("/v4/spreadsheets/1abc")
    assert answer.status_code == 403
    assert "in project 42 before" in answer.json()["error"]["message"]


# -- times=, rate=, globs -------------------------------------------------------------


def test_times_fires_for_the_first_calls_only(google, raw):
    fault = google.faults.add("500", "drive.files.list", times=2)
    alice = raw(ALICE)

    statuses = [alice.get(LIST).status_code for _ in range(4)]

    assert statuses == [500, 500, 200, 200]
    assert fault.fired == 2
    assert google.faults.rules()[0]["fired"] == 2


def statuses_with_rate(rate: float, calls: int = 30) -> list[int]:
    with FakeGoogle() as emulator:
        emulator.faults.add("503", "drive.*", rate=rate)
        session = requests.Session()
        session.trust_env = False
        headers = {"Authorization": f"Bearer {emulator.token_for(ALICE)}"}
        return [
            session.get(emulator.base_url + LIST, headers=headers, timeout=5).status_code
            for _ in range(calls)
        ]


def test_a_seeded_rate_fails_some_calls_the_same_way_each_run():
    first, second = statuses_with_rate(0.5), statuses_with_rate(0.5)

    assert first == second
    assert 5 <= first.count(503) <= 25
    assert set(first) == {200, 503}
    assert set(statuses_with_rate(0.0, 10)) == {200}
    assert set(statuses_with_rate(1.0, 10)) == {503}


def test_the_rate_draws_follow_the_seed():
    def draws(seed: int) -> list[bool]:
        faults = Faults(seed)
        faults.add("500", "x", rate=0.5)
        return [bool(faults.pick("x")) for _ in range(40)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


def test_endpoint_globs(google, raw):
    alice = raw(ALICE)
    file_id = alice.post(LIST, json={"name": "a.txt"}).json()["id"]

    google.faults.add("500", "drive.files.get")
    assert alice.get(f"{LIST}/{file_id}").status_code == 500
    assert alice.get(LIST).status_code == 200

    google.faults.clear()
    google.faults.add("500", "drive.files.*")
    assert alice.get(f"{LIST}/{file_id}").status_code == 500
    assert alice.get(LIST).status_code == 500
    assert alice.get(MESSAGES).status_code == 200

    google.faults.clear()
    google.faults.add("500", "*")
    assert alice.get(LIST).status_code == 500
    assert alice.get(MESSAGES).status_code == 500

    google.faults.clear()
    google.faults.add("500", "*.list")
    assert alice.get(LIST).status_code == 500
    assert alice.get(MESSAGES).status_code == 500
    assert alice.get(f"{LIST}/{file_id}").status_code == 200


def test_faults_leave_the_token_endpoint_and_unauthenticated_calls_alone(google, raw):
    google.faults.add("500")

    token = raw().post("/token", data={"grant_type": "refresh_token", "refresh_token": ALICE})
    no_token = raw().get(LIST)

    assert token.status_code == 200
    assert no_token.status_code == 401


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown fault kind"):
        Faults().add("418")


# -- what the real client does with them ----------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "429"},
        {"kind": "429", "retry_after": 1},
        {"kind": "rate_limit", "reason": "rateLimitExceeded"},
        {"kind": "rate_limit", "reason": "userRateLimitExceeded"},
        {"kind": "500"},
        {"kind": "502"},
        {"kind": "503"},
    ],
    ids=lambda rule: "-".join(str(v) for v in rule.values()),
)
def test_googleapiclient_retries_what_google_says_to_retry(google, drive, no_sleep, rule):
    google.faults.add(endpoint="drive.files.list", times=2, **rule)
    request = drive.files().list()
    delays = no_sleep(request)

    assert request.execute(num_retries=3)["files"] == []

    assert len(delays) == 2
    statuses = [e.status for e in google.log.entries if e.endpoint == "drive.files.list"]
    assert statuses[-1] == 200
    assert len(statuses) == 3


def test_googleapiclient_without_retries_raises_httperror(google, drive):
    google.faults.add("503", "drive.files.list", times=1)

    with pytest.raises(HttpError) as raised:
        drive.files().list().execute()

    assert raised.value.resp.status == 503
    assert json.loads(raised.value.content)["error"]["errors"][0]["reason"] == "backendError"


def test_googleapiclient_gets_past_a_dropped_connection(google, drive, no_sleep):
    drive.files().list().execute()  # the token is fetched first, outside the fault
    google.faults.add("drop", "drive.files.list", times=1)
    request = drive.files().list()
    no_sleep(request)

    assert request.execute(num_retries=2)["files"] == []

    entries = [(e.status, e.fault) for e in google.log.entries if e.endpoint == "drive.files.list"]
    assert entries == [(200, None), (0, "drop"), (200, None)]


# -- the request log ------------------------------------------------------------------


def test_the_request_log_counts_calls_by_endpoint(google, drive, raw):
    for name in ("a", "b", "c"):
        drive.files().create(body={"name": name}).execute()
    drive.files().list().execute()
    google.faults.add("503", "drive.files.list", times=1)
    with pytest.raises(HttpError):
        drive.files().list().execute()
    raw().get(LIST)  # 401: logged too

    assert google.log.by_endpoint() == {"drive.files.create": 3, "drive.files.list": 3}
    assert google.log.by_endpoint(api_only=False)["oauth.token"] == 1
    assert google.log.count("drive.*") == 6
    assert google.log.count("drive.files.list") == 3
    assert google.log.count() == 7
    listed = [(e.status, e.fault, e.user) for e in google.log.entries if e.endpoint == "drive.files.list"]
    sa = "lotsync@fake-project.iam.gserviceaccount.com"
    assert listed == [(200, None, sa), (503, "503", sa), (401, None, None)]

    google.log.clear()
    assert google.log.by_endpoint() == {}


# -- control endpoints, as another process sees them ----------------------------------


def test_faults_through_the_control_endpoint(google, raw):
    control, alice = raw(), raw(ALICE)

    added = control.post(
        "/_emulator/faults", json={"kind": "503", "endpoint": "drive.files.list", "times": 1}
    )
    assert added.status_code == 200
    assert added.json()["faults"][0] | {"fired": 0} == {
        "kind": "503", "endpoint": "drive.files.list", "times": 1, "rate": 1.0, "seconds": 0.0,
        "retry_after": None, "reason": "rateLimitExceeded", "project": "000000000000", "fired": 0,
    }  # fmt: skip
    assert alice.get(LIST).status_code == 503
    assert alice.get(LIST).status_code == 200
    assert control.get("/_emulator/faults").json()["faults"][0]["fired"] == 1

    several = [{"kind": "429", "endpoint": "gmail.*", "retry_after": 3}, {"kind": "latency", "seconds": 0.01}]
    assert len(control.post("/_emulator/faults", json=several).json()["faults"]) == 3
    answer = alice.get(MESSAGES)
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "3")

    assert control.delete("/_emulator/faults").json() == {"faults": []}
    assert alice.get(MESSAGES).status_code == 200


def test_a_bad_fault_rule_gets_a_400_and_changes_nothing(google, raw):
    control = raw()

    for body in ({"kind": "418"}, {"kind": "500", "colour": "red"}, {"endpoint": "*"}):
        answer = control.post("/_emulator/faults", json=body)
        assert answer.status_code == 400
        assert "error" in answer.json()
    not_json = control.post("/_emulator/faults", data=b"{not json")
    assert not_json.status_code == 400
    assert google.faults.rules() == []
    assert control.get("/_emulator/nothing-here").status_code == 404


def test_the_log_through_the_control_endpoint(google, raw):
    control, alice = raw(), raw(ALICE)
    alice.get(LIST)
    alice.get(LIST)
    alice.get(MESSAGES)

    log = control.get("/_emulator/log").json()

    assert log["by_endpoint"] == {"drive.files.list": 2, "gmail.users.messages.list": 1}
    assert [e["endpoint"] for e in log["entries"]] == ["drive.files.list"] * 2 + ["gmail.users.messages.list"]
    assert set(log["entries"][0]) == {
        "at",
        "method",
        "path",
        "endpoint",
        "status",
        "user",
        "seconds",
        "fault",
        "refused",
    }
    assert log["entries"][0]["user"] == ALICE
    assert control.delete("/_emulator/log").json()["entries"] == []
    after = control.get("/_emulator/log").json()
    assert after["by_endpoint"] == {}
    assert [e["endpoint"] for e in after["entries"]] == ["emulator.log"]


def test_tokens_and_shares_through_the_control_endpoints(google, raw):
    control = raw()
    alice_token = control.post("/_emulator/token", json={"user": ALICE}).json()["access_token"]
    alice = requests.Session()
    alice.trust_env = False
    alice.headers["Authorization"] = f"Bearer {alice_token}"
    file_id = alice.post(google.base_url + LIST, json={"name": "a.txt"}, timeout=5).json()["id"]

    assert raw("bob@example.org").get(f"{LIST}/{file_id}").status_code == 404
    shared = control.post(
        "/_emulator/share", json={"file_id": file_id, "email": "bob@example.org", "role": "writer"}
    )
    assert shared.json() == {"shared": {"bob@example.org": "writer"}}
    assert raw("bob@example.org").get(f"{LIST}/{file_id}").status_code == 200
