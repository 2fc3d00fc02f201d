"""`lotsync run`: the scheduler that keeps the books in sync and sends the digests, unattended.

Two APScheduler 3 jobs in the collective's time zone, from the `[schedule]` section: the sync
(the same `run_sync` as `lotsync sync`) and the digest (a sync, then the same `run_digests` as
`lotsync digest`, whose ledger decides what was already sent). One job at a time (a single
worker thread, `max_instances=1`, `coalesce=True`), one scheduler per configuration (a lock
file held with `flock` for the process lifetime: a crashed process releases it). Each job also
takes the work lock of `lotsync sync` and `lotsync digest` (`lotsync.app.lock.work_lock`); a job that
finds it held beyond `[schedule] lock_wait` fails, logged in one French line, no traceback.

APScheduler 3 keeps no memory of past runs without a persistent job store, so missed runs are
worked out at start-up from the state file (`catch_up`): a digest whose fire time passed less than
`digest_grace_days` ago without a successful digest since, else one sync if any was missed.

The state file (JSON, replaced atomically; `lotsync.app.schedule`) is what `lotsync status` reads:
`scheduler` {pid, started_at, stopped_at}, `timezone`, `schedule` {sync, digest},
`sync` {at, outcome "ok"/"failed", seconds, api_calls (total), api_calls_by_endpoint, error},
`digest` {at, outcome, week, sent, error}, `last_successful_digest_at`, `consecutive_failures`,
`alert_sent`. Times are ISO 8601 with their offset.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from lotsync.adapters.config import Config
from lotsync.adapters.cron import cron_trigger
from lotsync.app import french
from lotsync.app.lock import LockError, ProcessLock
from lotsync.app.schedule import fire_times, read_state, state_paths, write_state

log = logging.getLogger("lotsync")

SYNC_GRACE_SECONDS = 3600

TriggerFactory = Callable[[str, str, ZoneInfo], Any]
"""(job name "sync" or "digest", cron expression, time zone) → an APScheduler trigger."""


def cron_triggers(name: str, cron: str, tz: ZoneInfo) -> Any:
    """Each job fires on its cron expression (`lotsync.adapters.cron`); tests give other triggers."""
    return cron_trigger(cron, tz)


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


# -- alert mails ---------------------------------------------------------------------------------


@dataclass
class AlertMail:
    """What `lotsync.adapters.mail.compose` needs (its `Renderable`)."""

    subject: str
    text: str
    html: str
    chart_png: bytes | None = None
    chart_cid: str = ""


def _alert(config: Config, failures: int, error: str | None) -> AlertMail:
    from html import escape

    text = french.ALERT_TEXT.format(failures=failures, error=error or french.ALERT_ERROR_UNKNOWN)
    return AlertMail(
        french.ALERT_SUBJECT.format(collective=config.collective.name),
        text,
        "<p>" + escape(text).replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>",
    )


def _recovery(config: Config, failures: int) -> AlertMail:
    text = french.RECOVERY_TEXT.format(failures=failures)
    return AlertMail(
        french.RECOVERY_SUBJECT.format(collective=config.collective.name), text, f"<p>{text}</p>"
    )


# -- the service ---------------------------------------------------------------------------------


class Service:
    """The scheduler of one configuration. `run()` blocks until SIGTERM/SIGINT (or `stop()`)."""

    def __init__(
        self,
        config: Config,
        *,
        now: Callable[[], datetime] | None = None,
        scheduler: Any = None,
        trigger_factory: TriggerFactory | None = None,
        sync_fn: Callable[..., Any] | None = None,
        digest_fn: Callable[..., Any] | None = None,
        transport: Any = None,
    ):
        self.config = config
        self.tz = ZoneInfo(config.collective.timezone)
        self._now = now or (lambda: datetime.now(self.tz))
        self.scheduler = scheduler if scheduler is not None else self.make_scheduler(blocking=True)
        self.trigger_factory = trigger_factory or cron_triggers
        self._sync_fn = sync_fn
        self._digest_fn = digest_fn
        self._transport = transport
        self.state_path, lock_path = state_paths(config)
        self.lock = ProcessLock(lock_path)
        self._state_lock = threading.RLock()
        self.stopping = threading.Event()
        self._stopper: threading.Thread | None = None

    # -- building blocks -------------------------------------------------------------------------

    def make_scheduler(self, *, blocking: bool) -> Any:
        """A scheduler in the collective's zone with ONE worker thread: two jobs never overlap."""
        kind = BlockingScheduler if blocking else BackgroundScheduler
        return kind(
            timezone=self.tz,
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )

    def now(self) -> datetime:
        current = self._now()
        return current.astimezone(self.tz) if current.tzinfo else current.replace(tzinfo=self.tz)

    def state(self) -> dict[str, Any]:
        with self._state_lock:
            state, reason = read_state(self.state_path)
        if reason is not None:
            log.warning(french.STATE_STARTS_AFRESH.format(path=self.state_path, reason=reason))
        return state

    def _update_state(self, **changes: Any) -> dict[str, Any]:
        with self._state_lock:
            state = self.state()
            state.update(changes)
            write_state(self.state_path, state)
            return state

    def add_jobs(self) -> None:
        schedule = self.config.schedule
        self.scheduler.add_job(
            self.sync_job,
            self.trigger_factory("sync", schedule.sync, self.tz),
            id="sync",
            name="sync",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=SYNC_GRACE_SECONDS,
            replace_existing=True,
        )
        self.scheduler.add_job(
            self.digest_job,
            self.trigger_factory("digest", schedule.digest, self.tz),
            id="digest",
            name="digest",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=schedule.digest_grace_days * 86400 or 1,
            replace_existing=True,
        )

    # -- missed runs -----------------------------------------------------------------------------

    def catch_up(self, now: datetime | None = None) -> str | None:
        """What to run once at start-up: "digest" (a sync comes with it), "sync", or None."""
        now = now or self.now()
        state = self.state()
        schedule = self.config.schedule
        grace = timedelta(days=schedule.digest_grace_days)
        due = fire_times(cron_trigger(schedule.digest, self.tz), now - grace, now)
        if due:
            last_ok = _parse(state.get("last_successful_digest_at"))
            if last_ok is None or last_ok < due[-1]:
                return "digest"
        last_sync = _parse((state.get("sync") or {}).get("at"))
        since = last_sync + timedelta(microseconds=1) if last_sync else now - timedelta(days=1)
        sync_trigger = cron_trigger(schedule.sync, self.tz)
        first_missed = sync_trigger.get_next_fire_time(None, since)
        if first_missed is not None and first_missed <= now:
            return "sync"
        return None

    # -- the jobs --------------------------------------------------------------------------------

    def sync_job(self) -> bool:
        """One sync, recorded; True when it wrote (or had nothing to write). Never raises."""
        from lotsync.app.sync import run_sync

        now = self.now()
        started = time.perf_counter()
        error: str | None = None
        api_calls: dict[str, int] = {}
        try:
            outcome = (self._sync_fn or run_sync)(self.config, as_of=now.date(), now=now)
            error = outcome.error
            api_calls = dict(getattr(outcome, "api_calls", {}) or {})
        except LockError as exc:  # another command is writing: said in one line, no traceback
            error = str(exc)
        except Exception as exc:  # a failing job must not stop the scheduler
            log.exception(french.LOG_SYNC_CRASHED)
            error = f"{type(exc).__name__}: {exc}"
        seconds = round(time.perf_counter() - started, 2)
        ok = error is None
        if ok:
            log.info(french.LOG_SYNC_OK.format(seconds=seconds, calls=sum(api_calls.values())))
        else:
            log.error(french.LOG_SYNC_FAILED.format(seconds=seconds, error=error))
        with self._state_lock:
            state = self.state()
            failures = 0 if ok else int(state.get("consecutive_failures", 0)) + 1
            alert_sent = bool(state.get("alert_sent", False))
            previous_failures = int(state.get("consecutive_failures", 0))
            if not ok and failures >= self.config.schedule.failure_alert_after and not alert_sent:
                alert_sent = self._mail(_alert(self.config, failures, error), french.MAIL_ALERT)
            elif ok and alert_sent:
                alert_sent = not self._mail(_recovery(self.config, previous_failures), french.MAIL_RECOVERY)
            self._update_state(
                sync={
                    "at": now.isoformat(),
                    "outcome": "ok" if ok else "failed",
                    "seconds": seconds,
                    "api_calls": sum(api_calls.values()),
                    "api_calls_by_endpoint": api_calls,
                    "error": error,
                },
                consecutive_failures=failures,
                alert_sent=alert_sent,
            )
        return ok

    def digest_job(self) -> bool:
        """A sync, then the week's digests (the ledger skips those already sent). Never raises."""
        from lotsync.app.digests import run_digests
        from lotsync.app.send_log import FAILED_STATUSES
        from lotsync.core.digest import Week

        self.sync_job()
        now = self.now()
        week = Week.containing(now.date())
        sent = 0
        error: str | None = None
        try:
            results = (self._digest_fn or run_digests)(self.config, week=week, now=now.replace(tzinfo=None))
            sent = sum(1 for r in results if r.status in ("sent", "sent_unrecorded"))
            failed = [
                french.DIGEST_OFFICE_FAILED.format(office=r.office, error=r.error)
                for r in results
                if r.status in FAILED_STATUSES
            ]
            error = " ; ".join(failed) or None
        except LockError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception(french.LOG_DIGESTS_CRASHED)
            error = f"{type(exc).__name__}: {exc}"
        ok = error is None
        if ok:
            log.info(french.LOG_DIGESTS_OK.format(week=week.label, sent=sent))
        else:
            log.error(french.LOG_DIGESTS_FAILED.format(week=week.label, error=error))
        changes: dict[str, Any] = {
            "digest": {
                "at": now.isoformat(),
                "outcome": "ok" if ok else "failed",
                "week": week.label,
                "sent": sent,
                "error": error,
            }
        }
        if ok:
            changes["last_successful_digest_at"] = now.isoformat()
        self._update_state(**changes)
        return ok

    def _mail(self, mail: AlertMail, what: str) -> bool:
        from lotsync.adapters.mail import compose, shown
        from lotsync.adapters.mail_transports import transport_for

        recipients = self.config.recipients(None)
        if not recipients:
            log.warning(french.LOG_MAIL_NO_RECIPIENT.format(what=what))
            return False
        transport = self._transport
        try:
            transport = transport or transport_for(self.config)
            transport.send(compose(mail, self.config.mail.sender, recipients))
        except Exception as exc:
            log.error(french.LOG_MAIL_FAILED.format(what=what, error=exc))
            return False
        finally:
            if self._transport is None and transport is not None and hasattr(transport, "close"):
                with contextlib.suppress(Exception):
                    transport.close()
        log.warning(french.LOG_MAIL_SENT.format(what=what, recipients=", ".join(map(shown, recipients))))
        return True

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Take the lock, note the process, plan the jobs and the catch-up, start the scheduler.

        With a BlockingScheduler this returns only after `stop()`.
        """
        self.lock.acquire()
        try:
            now = self.now()
            self._update_state(
                scheduler={"pid": os.getpid(), "started_at": now.isoformat(), "stopped_at": None},
                timezone=self.config.collective.timezone,
                schedule={"sync": self.config.schedule.sync, "digest": self.config.schedule.digest},
            )
            self.add_jobs()
            missed = self.catch_up(now)
            if missed:
                log.info(french.LOG_CATCH_UP.format(job=missed))
                job = self.digest_job if missed == "digest" else self.sync_job
                self.scheduler.add_job(
                    job, id=f"catch-up-{missed}", name=french.CATCH_UP_JOB.format(job=missed)
                )
            log.info(
                french.LOG_STARTED.format(
                    pid=os.getpid(),
                    timezone=self.config.collective.timezone,
                    sync=self.config.schedule.sync,
                    digest=self.config.schedule.digest,
                )
            )
            self.scheduler.start()
        except BaseException:
            self._finish()
            raise
        if not isinstance(self.scheduler, BackgroundScheduler):  # (a subclass of BlockingScheduler)
            if self._stopper is not None:
                self._stopper.join()
            self._finish()

    def stop(self) -> None:
        """Let a running job finish (a write is one step), then stop. Idempotent."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        log.info(french.LOG_STOPPING)
        with contextlib.suppress(Exception):
            self.scheduler.shutdown(wait=True)
        if isinstance(self.scheduler, BackgroundScheduler):
            self._finish()

    def _finish(self) -> None:
        if self.lock.held:
            with contextlib.suppress(Exception):
                scheduler = dict(self.state().get("scheduler") or {})
                scheduler.update(pid=None, stopped_at=self.now().isoformat())
                self._update_state(scheduler=scheduler)
            self.lock.release()
            log.info(french.LOG_STOPPED)

    def run(self) -> None:
        """`lotsync run`: SIGTERM and SIGINT stop it cleanly."""

        def on_signal(signum: int, frame: Any) -> None:
            # The handler runs in the main thread, perhaps in the middle of writing a log line: waiting
            # here for the job (which logs too) would wait for ever. So the waiting stop runs in a
            # thread of its own; the scheduler's loop ends once the job is done, and `start` joins it.
            if self._stopper is None:
                self._stopper = threading.Thread(target=self.stop, name="lotsync-stop", daemon=True)
                self._stopper.start()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        self.start()
