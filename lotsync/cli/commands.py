"""The command line: a thin layer over `lotsync.app.sync` and friends.

Exit codes (see `Commands`): 0 done, 1 failed and nothing was written (or `check` found a
problem, or another lotsync command holds the lock), 2 configuration or usage error, 3 partial.
Heavy libraries are imported inside the commands so that `lotsync --help` answers at once.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from lotsync import __version__
from lotsync.app import french as app_french
from lotsync.cli import french
from lotsync.core import french as core_french
from lotsync.core.errors import EXIT_FAILED, EXIT_USAGE, LotsyncError

EXIT_OK, EXIT_PARTIAL = 0, 3

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="LOTSYNC_CONFIG",
    help="Fichier de configuration TOML (sinon $LOTSYNC_CONFIG, ./lotsync.toml ou ./config/lotsync.toml).",
)
as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui dans le fuseau du collectif).",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="« json » imprime le résultat complet pour un script.",
)


def _load(config_path: str | None) -> Any:
    from lotsync.adapters.config import ConfigError, find_config_path, load_config

    path = find_config_path(config_path)
    try:
        return load_config(path)
    except ConfigError as error:
        click.echo(french.CONFIG_ERROR.format(path=error.path), err=True)
        for line in error.lines:
            click.echo(f"  - {line}", err=True)
        sys.exit(EXIT_USAGE)


def _clock(config: Any, as_of: datetime | None) -> tuple[date, datetime]:
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo(config.collective.timezone))
    return (as_of.date() if as_of else now.date()), now


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


DEBUG_ENV = "LOTSYNC_DEBUG"
log = logging.getLogger("lotsync")


class Commands(click.Group):
    """lotsync's commands: whatever goes wrong, the person sees one French line, never a traceback.

    Exit codes: 0 done; 1 failed (nothing written, or a send failed), including another lotsync
    command holding the lock; 2 bad configuration or usage; 3 partial (something could not be read:
    the figures that depend on it keep their last complete version). The trace of an unexpected
    error goes to the log at debug level (`--debug` or LOTSYNC_DEBUG=1).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(french.CLI_INTERRUPTED, err=True)
            ctx.exit(EXIT_FAILED)
        except LotsyncError as error:  # every error lotsync means, with its own exit code
            click.echo(str(error), err=True)
            ctx.exit(error.exit_code)
        except OSError as error:
            log.debug(french.LOG_OS_ERROR, exc_info=True)
            click.echo(french.CLI_OS_ERROR.format(reason=core_french.os_error(error)), err=True)
            ctx.exit(EXIT_FAILED)
        except Exception as error:
            log.debug(french.LOG_UNEXPECTED, exc_info=True)
            detail = str(error).splitlines()[0] if str(error) else ""
            click.echo(
                french.CLI_UNEXPECTED.format(
                    kind=type(error).__name__, detail=f" : {detail}" if detail else ""
                ),
                err=True,
            )
            ctx.exit(EXIT_FAILED)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lotsync")
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV,
    help="Détail technique sur la sortie d'erreur (trace d'une erreur inattendue) ; ou LOTSYNC_DEBUG=1.",
)
def cli(debug: bool) -> None:
    """lotsync tient les comptes communs des offices de tourisme du Lot.

    Il lit les tableurs des offices et le classeur partagé, rapproche chaque journée
    achetée de sa vente, répartit les frais communs, calcule qui doit quoi à qui, et
    écrit ses résultats dans ses propres onglets du classeur partagé.

    Codes de sortie : 0 terminé ; 1 échec (rien n'a été écrit, ou un envoi a échoué) ;
    2 configuration invalide ou mauvaise utilisation ; 3 partiel (un classeur n'a pas pu être
    lu : les onglets qui en dépendent gardent leurs derniers chiffres complets).
    """
    if not debug:
        # openpyxl warns in English on stderr about what it meets in a sheet ("Cell E82 is marked as a
        # date but…"); whatever matters is already an anomaly, in French.
        import warnings

        warnings.filterwarnings("ignore", module="openpyxl")
    if debug:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s : %(message)s"
        )
        log.setLevel(logging.DEBUG)


@cli.command()
@config_option
@as_of_option
@format_option
@click.option("--dry-run", is_flag=True, help="Tout calculer, ne rien écrire.")
def sync(config_path: str | None, as_of: datetime | None, output_format: str, dry_run: bool) -> None:
    """Synchroniser : lire les tableurs, calculer, écrire les onglets de résultats."""
    config = _load(config_path)
    _run_and_report(config, as_of, output_format, dry_run)


def _run_and_report(config: Any, as_of: datetime | None, output_format: str, dry_run: bool) -> None:
    from lotsync.app.sync import run_sync
    from lotsync.cli.report import outcome_json, outcome_text

    day, now = _clock(config, as_of)
    outcome = run_sync(config, as_of=day, now=now, dry_run=dry_run)
    if output_format == "json":
        _print_json(outcome_json(outcome))
    else:
        click.echo(outcome_text(outcome))
    if outcome.failed:
        if output_format == "json":
            click.echo(french.FAILED.format(error=outcome.error), err=True)
        sys.exit(EXIT_FAILED)
    if outcome.notifications_failed:  # the sheets are written, but someone was not told
        sys.exit(EXIT_FAILED)
    if not outcome.complete:
        if output_format == "json":
            click.echo(
                app_french.PARTIAL_SUMMARY.format(reasons=outcome.books.gap_reasons()),
                err=True,
            )
        sys.exit(EXIT_PARTIAL)


@cli.command()
@config_option
@format_option
def check(config_path: str | None, output_format: str) -> None:
    """Vérifier la configuration et que chaque classeur se lit, avec ses en-têtes.

    Sur Google : si chaque classeur est joignable, avec quelle adresse le partager (Lecteur pour
    ceux des offices, Éditeur pour le classeur partagé) et combien d'appels à l'API il a fallu.
    Ne modifie rien.
    """
    from lotsync.app.check import check_report, inspection_text

    config = _load(config_path)
    report = check_report(config, as_of=_clock(config, None)[0])
    if output_format == "json":
        _print_json(report)
    else:
        click.echo(inspection_text(report["sources"], report["google"]))
    if not report["ok"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@config_option
@click.option(
    "--client-secrets",
    type=click.Path(dir_okay=False),
    default=None,
    help="Identifiants OAuth « Application de bureau » (JSON de la console Google Cloud) ; "
    "sinon [google] client_secrets.",
)
@click.option("--no-browser", is_flag=True, help="Ne pas ouvrir le navigateur : afficher l'adresse à ouvrir.")
@click.option(
    "--account",
    default=None,
    metavar=french.ACCOUNT_METAVAR,
    help="Le compte Google à utiliser (proposé à Google, et noté pour dire avec qui partager les classeurs).",
)
def login(config_path: str | None, client_secrets: str | None, no_browser: bool, account: str | None) -> None:
    """Connecter lotsync à votre compte Google (au lieu d'un compte de service).

    Ouvre la page d'autorisation de Google, puis garde le jeton dans votre dossier de
    configuration, lisible par vous seul. Accès demandés : Google Sheets, et Google Drive en
    lecture seule seulement si un fichier Excel sur Drive est une source.
    """
    from lotsync.adapters.google.login import LoginError, describe_scopes, service_account_in_use
    from lotsync.adapters.google.login import login as run_login

    config = _load(config_path)

    def show(url: str) -> None:
        if no_browser:
            click.echo(french.LOGIN_OPEN_URL)
        else:
            click.echo(french.LOGIN_BROWSER_OPENING)
        click.echo(f"  {url}")
        click.echo(french.LOGIN_WAITING)

    try:
        result = run_login(
            config, client_secrets, open_browser=not no_browser, on_url=show, login_hint=account
        )
    except LoginError as error:
        click.echo(french.LOGIN_FAILED.format(error=error), err=True)
        sys.exit(EXIT_USAGE if error.usage else EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo(french.LOGIN_INTERRUPTED, err=True)
        sys.exit(EXIT_FAILED)
    click.echo(french.LOGIN_DONE.format(path=result.path))
    click.echo(french.LOGIN_SCOPES.format(scopes=" ; ".join(describe_scopes(result.scopes))))
    who = result.account or french.LOGIN_YOUR_ADDRESS
    click.echo(french.LOGIN_SHARE.format(who=who))
    if key := service_account_in_use(config):
        click.echo(french.LOGIN_KEY_FIRST.format(key=key), err=True)


@cli.command()
def logout() -> None:
    """Oublier le jeton de `lotsync login` (supprime le fichier)."""
    from lotsync.adapters.google.credentials import token_cache_path
    from lotsync.adapters.google.login import logout as run_logout

    removed = run_logout()
    if removed is None:
        click.echo(french.LOGOUT_NO_TOKEN.format(path=token_cache_path()))
        return
    click.echo(french.LOGOUT_DONE.format(path=removed))
    click.echo(french.LOGOUT_REVOKE)


@cli.command()
@config_option
@format_option
@click.option("--year", type=int, default=None, help="Exercice (par défaut : tous).")
def fees(config_path: str | None, output_format: str, year: int | None) -> None:
    """Répartition des cotisations et dépenses communes, membre par membre, au centime."""
    from lotsync.app.fees import shared_splits
    from lotsync.cli.report import fees_json, fees_text

    config = _load(config_path)
    splits, anomalies = shared_splits(config, year, _clock(config, None)[0])
    if output_format == "json":
        _print_json(fees_json(config, splits, anomalies, year))
    else:
        click.echo(fees_text(config, splits, anomalies, year))


@cli.command()
@config_option
@as_of_option
@click.option("--office", required=True, metavar="ID", help="L'office du relevé (son identifiant).")
@click.option(
    "--partner", default=None, metavar="ID", help="Seulement ce qui est entre l'office et cet office-là."
)
@click.option(
    "--year",
    type=click.IntRange(1900, 9998),
    default=None,
    metavar="AAAA",
    help="Exercice (celui qui commence cette année-là). Par défaut : l'exercice en cours, et pour le "
    "relevé les éléments plus anciens encore ouverts.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv", "xlsx", "json"]),
    default="text",
    show_default=True,
    help="« csv » et « xlsx » ont des colonnes fixes, à importer dans un logiciel de comptabilité.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Écrire dans ce fichier (remplacé d'un seul coup) plutôt que sur la sortie standard ; "
    "obligatoire avec --format xlsx.",
)
@click.option(
    "--margins", is_flag=True, help="L'état des marges : chaque journée achetée avec un prix de revente."
)
def statement(
    config_path: str | None,
    as_of: datetime | None,
    office: str,
    partner: str | None,
    year: int | None,
    output_format: str,
    output: str | None,
    margins: bool,
) -> None:
    """Relevé d'un office pour son comptable : chaque élément à payer et à encaisser.

    Une ligne par journée, part de frais, cotisation ou trop-perçu, avec ses références, son n° de
    facture, ce qui en est réglé et par quels règlements. Avec --margins : l'état des marges des
    journées achetées. Ne modifie rien. Code de sortie 3 si un classeur dont le relevé dépend n'a
    pas pu être lu.
    """
    from lotsync.core.errors import UsageError

    config = _load(config_path)
    known = ", ".join(config.member_ids)
    for option, value in (("--office", office), ("--partner", partner)):
        if value is not None and value not in config.member_ids:
            raise UsageError(french.STATEMENT_UNKNOWN_OFFICE.format(option=option, office=value, known=known))
    if partner == office:
        raise UsageError(french.STATEMENT_SAME_OFFICE.format(office=office, known=known))
    if output_format == "xlsx" and output is None:
        raise UsageError(french.STATEMENT_XLSX_NEEDS_OUTPUT)
    _write_statement(config, as_of, office, partner, year, output_format, output, margins)


def _write_statement(
    config: Any,
    as_of: datetime | None,
    office: str,
    partner: str | None,
    year: int | None,
    output_format: str,
    output: str | None,
    margins: bool,
) -> None:
    from lotsync.adapters.atomic import replace_file
    from lotsync.app import statement as statements

    day, _ = _clock(config, as_of)
    books = statements.read_books(config, day)
    chosen = statements.period(day, config.collective.financial_year_start_month, year)
    found: statements.AccountStatement | statements.MarginStatement = (
        statements.margin_statement(books, office, partner, chosen)
        if margins
        else statements.account_statement(books, office, partner, chosen)
    )
    data = statements.render(found, output_format, {m.id: m.short for m in books.members})
    if output is not None:
        replace_file(Path(output), data)
        count = core_french.plural(len(found.lines), french.STATEMENT_LINE)
        click.echo(french.STATEMENT_WRITTEN.format(path=output, count=count))
    else:
        click.echo(data, nl=False)
    if found.gaps:
        if output is not None or output_format != "text":  # the text on screen already says it
            reasons = " ; ".join(g.reason for g in found.gaps)
            click.echo(app_french.PARTIAL_SUMMARY.format(reasons=reasons), err=True)
        sys.exit(EXIT_PARTIAL)


@cli.command()
@config_option
@as_of_option
@format_option
@click.option(
    "--office", metavar="ID", default=None, help="Seulement les demandes de cet office (son identifiant)."
)
@click.option("--late", is_flag=True, help="Seulement les demandes en retard.")
def requests(
    config_path: str | None, as_of: datetime | None, output_format: str, office: str | None, late: bool
) -> None:
    """Les demandes du site : où elles en sont, qui les traite, lesquelles sont en retard.

    Lit l'onglet des demandes (par défaut « Demandes » du classeur partagé) et les tableurs des
    offices (pour les dossiers). Ne modifie rien. Code 3 quand un classeur n'a pas pu être lu.
    """
    from lotsync.app.requests import request_books
    from lotsync.cli.report import requests_json, requests_text

    config = _load(config_path)
    if office is not None and office not in config.member_ids:
        raise click.BadParameter(
            french.UNKNOWN_OFFICE_OPTION.format(office=office, ids=", ".join(config.member_ids)),
            param_hint="--office",
        )
    books = request_books(config, _clock(config, as_of)[0])
    if not books.requests.read:
        click.echo(french.NO_REQUESTS_TAB.format(tab=config.requests.tab), err=True)
        sys.exit(EXIT_FAILED)
    if output_format == "json":
        _print_json(requests_json(books.requests, office=office, late=late))
    else:
        click.echo(requests_text(books, office=office, late=late))
    if not books.complete:
        click.echo(app_french.PARTIAL_SUMMARY.format(reasons=books.gap_reasons()), err=True)
        sys.exit(EXIT_PARTIAL)


@cli.command()
@config_option
@click.option(
    "--week", default=None, help="Semaine ISO, par exemple 2026-W48 (par défaut : la semaine en cours)."
)
@click.option(
    "--office", default=None, help="Un seul destinataire : l'identifiant d'un office, ou « collectif »."
)
@click.option("--dry-run", is_flag=True, help="Tout préparer, ne rien envoyer ni noter.")
@click.option(
    "--preview",
    type=click.Path(file_okay=False),
    default=None,
    help="Écrire le HTML, le texte et le graphique de chaque récapitulatif dans ce dossier, sans envoyer.",
)
@click.option("--force", is_flag=True, help="Renvoyer même les récapitulatifs déjà envoyés cette semaine.")
@format_option
def digest(
    config_path: str | None,
    week: str | None,
    office: str | None,
    dry_run: bool,
    preview: str | None,
    force: bool,
    output_format: str,
) -> None:
    """Envoyer les récapitulatifs hebdomadaires (une seule fois par semaine et par office)."""
    config = _load(config_path)
    _send_digests(config, week, office, dry_run, preview, force, output_format)


def _send_digests(
    config: Any,
    week: str | None,
    office: str | None,
    dry_run: bool,
    preview: str | None,
    force: bool,
    output_format: str,
) -> None:
    from lotsync.app.digests import run_digests
    from lotsync.app.send_log import COLLECTIVE
    from lotsync.core.digest import Week

    if office not in (None, COLLECTIVE, *config.member_ids):
        known = ", ".join((*config.member_ids, COLLECTIVE))
        raise click.BadParameter(
            french.DIGEST_UNKNOWN_OFFICE.format(office=office, known=known), param_hint="--office"
        )
    today, now = _clock(config, None)
    try:
        chosen = Week.parse(week) if week else Week.containing(today)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from error
    results = run_digests(
        config,
        week=chosen,
        now=now.replace(tzinfo=None),
        office=office,
        dry_run=dry_run,
        preview=Path(preview) if preview else None,
        force=force,
    )
    if output_format == "json":
        _print_json({"week": chosen.label, "digests": [r.__dict__ for r in results]})
    else:
        click.echo(french.DIGEST_WEEK.format(week=chosen.label))
        for r in results:
            detail = f" : {r.error}" if r.error else (f" ({', '.join(r.files)})" if r.files else "")
            click.echo(f"  {r.office:<10} {french.DIGEST_STATUS[r.status]}{detail}")
    if any(r.failed for r in results):
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default="demo",
    show_default=True,
    help="Dossier des classeurs de démonstration (créés s'ils n'existent pas).",
)
@as_of_option
@format_option
@click.option("--dry-run", is_flag=True, help="Tout calculer, ne rien écrire.")
@click.option(
    "--google",
    "on_google",
    is_flag=True,
    help="Passer par Google Sheets : démarre l'émulateur Google local, y importe les classeurs, synchronise.",
)
def demo(directory: str, as_of: datetime | None, output_format: str, dry_run: bool, on_google: bool) -> None:
    """Créer les classeurs de démonstration s'il le faut, puis les synchroniser."""
    from lotsync.app.demo import write_demo

    if not on_google:
        config_file = write_demo(Path(directory))
        if output_format == "text":
            click.echo(french.DEMO_CONFIG.format(path=config_file))
        config = _load(str(config_file))
        _run_and_report(config, as_of, output_format, dry_run)
        if output_format == "text" and not dry_run:
            # The demo ends with the week's digests (that of --as-of, if given), in its outbox folder.
            from lotsync.core.digest import Week

            week = Week.containing(as_of.date()).label if as_of else None
            _send_digests(config, week, None, False, None, False, "text")
            click.echo(french.DEMO_OUTBOX.format(path=config.mail.outbox))
        return
    from fake_google import FakeGoogle
    from lotsync.app.demo_google import upload_demo

    with FakeGoogle() as google:
        config_file = upload_demo(Path(directory), google.base_url)
        if output_format == "text":
            click.echo(french.DEMO_GOOGLE.format(url=google.base_url))
            click.echo(french.DEMO_CONFIG.format(path=config_file))
        _run_and_report(_load(str(config_file)), as_of, output_format, dry_run)


@cli.command()
@config_option
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Journal sur la sortie d'erreur : une ligne par événement, lisible ou JSON.",
)
def run(config_path: str | None, log_format: str) -> None:
    """Tourner en continu : synchroniser et envoyer les récapitulatifs selon [schedule].

    Un seul planificateur par configuration (fichier verrou) ; SIGTERM ou Ctrl-C laissent
    finir le travail en cours, puis arrêtent. Les envois manqués pendant un arrêt sont
    rattrapés au démarrage (dans le délai de grâce), jamais en double.
    """
    from lotsync.app.lock import AlreadyRunning
    from lotsync.app.service import Service

    config = _load(config_path)
    _setup_logging(log_format, config.collective.timezone)
    try:
        Service(config).run()
    except AlreadyRunning as error:
        click.echo(french.RUN_REFUSED.format(error=error), err=True)
        sys.exit(EXIT_FAILED)


@cli.command()
@config_option
@format_option
def status(config_path: str | None, output_format: str) -> None:
    """Ce que fait le service : dernières synchronisation et récapitulatif, prochains passages."""
    from lotsync.app.status import status_data, status_text

    config = _load(config_path)
    if output_format == "json":
        _print_json(status_data(config))
    else:
        click.echo(status_text(config))


def _setup_logging(log_format: str, timezone: str) -> None:
    from lotsync.adapters.logs import setup_logging

    setup_logging(log_format, tz=timezone)


def main() -> None:
    from lotsync.adapters.malloc import one_arena

    one_arena()  # before any thread: peak memory of a large sync a third lower
    cli(prog_name="lotsync")
