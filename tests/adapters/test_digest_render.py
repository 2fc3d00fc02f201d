"""The digest as a mail: one-line subject, escaped HTML, French figures, the chart, the text alternative."""

import email
import re
import struct
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from core.test_digest import (
    FIGEAC_UNREAD,
    MONDAY,
    REQUEST_HEADER,
    RULES,
    WEEK,
    anomaly,
    books_with_requests,
    demandes,
    expense,
    make_books,
    payment,
    request,
    requests_week,
    two_ways,
)
from factories import MEMBERS, dossier, purchase, sale

from lotsync.adapters.digest_render import (
    environment,
    hide_contacts,
    one_line,
    render_collective,
    render_office,
)
from lotsync.core import french
from lotsync.core.books import Inputs, LastComplete, compute_books
from lotsync.core.digest import Week, collective_digest, office_digest
from lotsync.core.model import Anomaly, AnomalyKind, Kind, Member, SettlementMode, Status, Where
from lotsync.core.requests import NO_REQUESTS

COLLECTIVE = "Collectif du Lot"
EVIL = "<script>alert(1)</script>"
PNG = b"\x89PNG\r\n\x1a\n"
SECTIONS = [
    "Nouveaux dossiers confirmés (1)",
    "Arrivées des 14 prochains jours (3)",
    "À corriger (2)",
    "Ce que vous devez et ce qu'on vous doit",
    "Votre part des frais communs 2026",
    "Votre chiffre d'affaires depuis le 1er janvier 2026",
]


def money_values(text: str) -> list[str]:
    """Every amount written in `text` (`1 234,50 €`): to compare the HTML and the text alternative."""
    return re.findall(r"-?\d{1,3}(?:\u202f\d{3})*,\d{2}\u00a0€", text)


def euros(text: str) -> str:
    """An amount exactly as Babel writes it for fr_FR."""
    return format_currency(Decimal(text), "EUR", locale="fr_FR")


def hand_built_books(
    client: str = "Autocars du Quercy", label: str = "Brochure", mode: SettlementMode = SettlementMode.GROSS
):
    """Cahors' week of 23 November 2026.

    New since the last digest: C-1 (1,234.50 on Friday 27). Coming: C-1, a day sold to Dordogne
    on Saturday 28 (450.00, matched by D-1), a day bought from Figeac on Thursday 3 December
    that Figeac never entered (a fix). One bad amount in Cahors' sheet (the other fix).
    Costs: the ADN fee of 3,000.00 paid by Dordogne (Cahors owes 1,000.00) and a 900.00
    brochure paid by Cahors (each other office owes it 300.00).
    Balances: Cahors +50.00 (owed 450 + 300 + 300, owes 1,000), Dordogne +1,250.00, Figeac -1,300.00.
    In gross mode Cahors pays Dordogne 1,000.00 and collects 750.00 from it and 300.00 from Figeac;
    in minimal mode Figeac pays Cahors 50.00 and Dordogne 1,250.00.
    Turnover to 23 November: days 2,500.00 and visits 2,000.00, against days 1,500.00 a year earlier.
    """
    rows = [
        dossier("cahors", "C-1", client=client, start=MONDAY + timedelta(days=4), amount="1234.50", pax=35),
        sale(
            "cahors", "dordogne", "C-2", start=MONDAY + timedelta(days=5), amount="450.00", partner_ref="D-1"
        ),
        purchase(
            "dordogne", "cahors", "D-1", start=MONDAY + timedelta(days=5), amount="450.00", partner_ref="C-2"
        ),
        purchase("cahors", "figeac", "C-3", start=MONDAY + timedelta(days=10), amount="300.00"),
        dossier("cahors", "C-4", start=date(2026, 5, 10), amount="2500.00", status=Status.PAID),
        dossier("cahors", "C-5", start=date(2026, 3, 1), amount="2000.00", kind=Kind.VISIT),
        dossier("cahors", "C-6", start=date(2025, 3, 1), amount="1500.00"),
    ]
    problem = anomaly("cahors", 12, f"« {client} » : ce n'est pas un montant en euros")
    costs = [
        expense("Cotisation ADN 2026", "3000.00", "dordogne", category="Cotisation", fee=True),
        expense(label, "900.00", "cahors"),
    ]
    return make_books(rows, anomalies=[problem], expenses=costs, mode=mode)


SEEN = frozenset({"C-2", "C-3", "C-4", "C-5", "C-6", "D-1"})


def cahors(books=None, *, seen=SEEN, **kw):
    return office_digest(books or hand_built_books(), "cahors", WEEK, seen=seen, **kw)


class Outline(HTMLParser):
    """The headings, paragraphs and images of an HTML page, and the text of its body."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[str | None] = []
        self._heading: str | None = None
        self._text: list[str] = []
        self.body: list[str] = []
        self._all: list[str] = []
        self._in_body = False
        self.feed(page)

    @property
    def text(self) -> str:
        """The body's text as a reader sees it: runs of spaces and line breaks as one space."""
        return re.sub(r"[ \t\r\n]+", " ", "".join(self._all))

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("br", "td", "th", "li", "p"):
            self._all.append(" ")
        if tag == "body":
            self._in_body = True
        if tag in ("h1", "h2", "h3"):
            self._heading, self._text = tag, []
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._text).split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._text.append(data)
        if self._in_body:
            self._all.append(data)
            if data.strip():
                self.body.append(data.strip())


# -- the subject ------------------------------------------------------------------------------------


def test_the_subject_says_the_collective_the_office_and_the_week():
    assert render_office(cahors(), COLLECTIVE).subject == (
        "[Collectif du Lot] OT Cahors — récapitulatif de la semaine du 23 au 29 novembre 2026"
    )


@pytest.mark.parametrize(
    ("week", "span"),
    [
        ("2026-W49", "du 30 novembre au 6 décembre 2026"),
        ("2026-W53", "du 28 décembre 2026 au 3 janvier 2027"),
        ("2026-W27", "du 29 juin au 5 juillet 2026"),
        ("2026-W23", "du 1er au 7 juin 2026"),
    ],
)
def test_the_week_reads_in_french_across_months_and_years(week, span):
    d = office_digest(hand_built_books(), "cahors", Week.parse(week), seen=SEEN)
    assert render_office(d, COLLECTIVE).subject.endswith(f"semaine {span}")


@pytest.mark.parametrize("office", ["OT\r\nBcc: x@y", "OT\nBcc: x@y", "OT\rBcc: x@y", "OT\u2028Bcc: x@y\x0b"])
def test_a_line_break_in_a_name_never_reaches_the_mail_headers(office):
    member = Member("cahors", "Cahors\r\nTo: z@z", (office,))
    d = cahors()._replace(member=member)
    for rendered in (render_office(d, "Lot\r\nBcc: a@b"), render_office(d, COLLECTIVE)):
        subject = rendered.subject
        assert (
            "\r" not in subject and "\n" not in subject and "\u2028" not in subject and "\x0b" not in subject
        )
        assert len(subject.splitlines()) == 1
        assert "OT Bcc: x@y" in subject
        message = EmailMessage(policy=SMTP)
        message["Subject"] = subject
        message.set_content(rendered.text)
        parsed = email.message_from_bytes(message.as_bytes(), policy=SMTP)
        assert parsed["Bcc"] is None and parsed["To"] is None
        assert parsed["Subject"] == subject


def test_one_line_removes_every_control_character():
    assert one_line(" a\r\n\tb\x00c\x85d\u2029e  ") == "a b c d e"


# -- escaping ---------------------------------------------------------------------------------------


def test_every_value_from_a_sheet_is_escaped_in_html():
    d = cahors(hand_built_books(client=EVIL, label="<b>Brochure</b>"))
    d = d._replace(member=Member("cahors", "<i>Cahors</i>", ("OT <Cahors>",)))
    rendered = render_office(d, "Lot & <Quercy>")
    page = rendered.html
    assert "<script" not in page.lower()
    assert "<b>" not in page and "<i>" not in page and "<Cahors>" not in page and "<Quercy>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # new dossier, arrival, the fix
    assert "&lt;b&gt;Brochure&lt;/b&gt;" in page
    assert "Lot &amp; &lt;Quercy&gt;" in page
    # The plain-text alternative is not HTML: it says what the sheet says.
    assert EVIL in rendered.text and "<b>Brochure</b>" in rendered.text


def test_a_link_is_a_link_only_when_it_is_a_web_address_and_stays_inside_its_attribute():
    def locate(where: Where) -> str:
        return f'https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=A{where.row}"onclick="x'

    d = cahors(locate=locate)
    page = render_office(d, COLLECTIVE).html
    assert Outline(page).links == [
        'https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=A12"onclick="x',
        f'https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=A{d.fixes[1].where.row}"onclick="x',
    ]
    assert 'onclick="' not in page
    hostile = render_office(cahors(locate=lambda where: "javascript:alert(1)"), COLLECTIVE)
    assert Outline(hostile.html).links == []
    assert "fichier javascript:alert(1)" in hostile.html  # shown as text, never followed


def test_locally_the_fix_names_the_file_tab_and_row():
    rendered = render_office(cahors(), COLLECTIVE)
    assert "cahors.xlsx, onglet « Dossiers », ligne 12, colonne « Montant »" in rendered.html
    assert "cahors.xlsx, onglet « Dossiers », ligne 12, colonne « Montant »" in rendered.text
    assert "<a " not in rendered.html


def test_html_templates_autoescape_and_text_templates_do_not():
    env = environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"  # anything else escapes too
    assert env.autoescape("digest_office.html.j2") is True
    assert env.autoescape("digest_collective.html.j2") is True
    assert env.autoescape("digest_office.txt.j2") is False


# -- French figures ---------------------------------------------------------------------------------


def test_the_hand_built_week_has_the_right_figures_in_french():
    rendered = render_office(cahors(), COLLECTIVE)
    text, page = rendered.text, rendered.html
    assert euros("1234.50") == "1\u202f234,50\u00a0€" == french.money(Decimal("1234.50"))
    friday = format_date(MONDAY + timedelta(days=4), format="full", locale="fr_FR")
    assert friday == "vendredi 27 novembre 2026"
    both = [
        f"27/11/2026 — Autocars du Quercy · journée · 35 pax · {euros('1234.50')} (réf. C-1)",
        f"vendredi 27 novembre 2026 — Autocars du Quercy · journée · 35 pax · {euros('1234.50')} (réf. C-1)",
        f"samedi 28 novembre 2026 — Club des aînés de Brive · journée · 40 pax · {euros('450.00')}"
        " · vendu à OT Dordogne (réf. C-2)",
        f"jeudi 3 décembre 2026 — Club des aînés de Brive · journée · 40 pax · {euros('300.00')}"
        " · acheté à OT Figeac (réf. C-3)",
        f"On vous doit {euros('1050.00')} ; vous devez {euros('1000.00')}.",
        f"Solde en votre faveur : {euros('50.00')}.",
        f"Journées entre offices : on vous doit {euros('450.00')}",
        f"Dépenses communes : on vous doit {euros('600.00')}",
        f"Cotisations : vous devez {euros('1000.00')}",
        f"À payer à OT Dordogne : 1 élément, {euros('1000.00')}",
        f"À encaisser de OT Dordogne : 2 éléments, {euros('750.00')}",
        f"À encaisser de OT Figeac : 1 élément, {euros('300.00')}",
        "Rien n'est compensé : chaque office paie à chaque autre ce qu'il lui doit, élément par élément",
        f"Reste à régler : {euros('1000.00')}",
        "Au lundi 23 novembre 2026, comparé à la même période de 2025.",
        "2 dossiers et 80 pax (2025 : 1 dossier et 40 pax).",
        "Du 23 novembre au 6 décembre 2026",
    ]
    # The plain text writes as lines what the HTML shows as table rows.
    text_only = [
        f"  - 28/11/2026 · Journée · Club des aînés de Brive · votre réf. C-2 · réf. OT Dordogne D-1 : "
        f"{euros('450.00')}",
        f"  - 01/01/2026 · Cotisation · Cotisation ADN 2026 : {euros('1000.00')}",
        f"Cotisation ADN 2026 (cotisation, {euros('3000.00')} payés par OT Dordogne) : "
        f"{euros('1000.00')}, à régler",
        f"Brochure ({euros('900.00')} payés par vous) : {euros('300.00')}, réglé",
        f"Journées : {euros('2500.00')} (2025 : {euros('1500.00')}, évolution +66,7\u202f%)",
        f"Visites de groupe : {euros('2000.00')} (2025 : {euros('0.00')}, évolution —)",
        f"Total : {euros('4500.00')} (2025 : {euros('1500.00')}, évolution +200,0\u202f%)",
    ]
    html_only = [
        f"Date Élément Reste dû 01/01/2026 Cotisation · Cotisation ADN 2026 {euros('1000.00')}",
        f"28/11/2026 Journée · Club des aînés de Brive · votre réf. C-2 · réf. OT Dordogne D-1 "
        f"{euros('450.00')}",
        f"Cotisation ADN 2026 cotisation, {euros('3000.00')} payés par OT Dordogne "
        f"{euros('1000.00')} à régler",
        f"Brochure {euros('900.00')} payés par vous {euros('300.00')} réglé",
        f"Prestation 2026 2025 Évolution Journées {euros('2500.00')} {euros('1500.00')} +66,7\u202f%",
        f"Visites de groupe {euros('2000.00')} {euros('0.00')} —",
        f"Total {euros('4500.00')} {euros('1500.00')} +200,0\u202f%",
    ]
    shown = Outline(page).text
    for line in both + text_only:
        assert line in text, line
    for line in both + html_only:
        assert line in shown, line


def test_only_a_fee_says_cotisation_whatever_a_shared_expense_is_typed():
    books = make_books(
        [],
        expenses=[
            expense("Adhésion Lot Tourisme", "600.00", "dordogne", category="Cotisation"),
            expense("Club ADN", "3000.00", "dordogne", category="Adhésion", fee=True),
        ],
    )
    rendered = render_office(office_digest(books, "cahors", WEEK, seen=None), COLLECTIVE)
    assert f"Club ADN (cotisation, {euros('3000.00')} payés par OT Dordogne)" in rendered.text
    assert f"Adhésion Lot Tourisme ({euros('600.00')} payés par OT Dordogne)" in rendered.text
    assert f"Dépenses communes : vous devez {euros('200.00')}" in rendered.text
    assert f"Cotisations : vous devez {euros('1000.00')}" in rendered.text


def test_the_html_has_every_section_in_order_and_semantic_tags():
    outline = Outline(render_office(cahors(), COLLECTIVE).html)
    assert outline.headings[0] == ("h1", "OT Cahors — semaine du 23 au 29 novembre 2026")
    assert [text for tag, text in outline.headings if tag == "h2"] == SECTIONS
    assert {"ul", "li", "table", "thead", "th", "p"} <= set(outline.tags)


def test_the_first_digest_says_so_instead_of_listing_new_dossiers():
    rendered = render_office(cahors(seen=None), COLLECTIVE)
    assert "C'est votre premier récapitulatif" in rendered.html
    assert "C'est votre premier récapitulatif" in rendered.text
    assert "Nouveaux dossiers confirmés" in [t for _, t in Outline(rendered.html).headings]


def test_the_text_alternative_has_the_same_amounts_as_the_html():
    for d in (cahors(), cahors(seen=None)):
        rendered = render_office(d, COLLECTIVE)
        amounts = Counter(money_values(rendered.html))
        assert amounts and amounts == Counter(money_values(rendered.text))
        assert sum(amounts.values()) >= 20
    collective = render_collective(collective_of(hand_built_books()), COLLECTIVE)
    assert Counter(money_values(collective.html)) == Counter(money_values(collective.text))


def test_the_html_fits_a_phone():
    page = render_office(cahors(), COLLECTIVE).html
    assert 'name="viewport"' in page
    assert "max-width:600px" in page
    assert "word-break:break-word" in page
    fixed = [int(w) for w in re.findall(r"(?<![-\w])width:\s*(\d+)px", page)]
    assert all(w <= 360 for w in fixed), fixed
    assert all(w.endswith("%") or int(w) <= 360 for w in re.findall(r'\swidth="([^"]+)"', page))
    assert "<style" not in page and "<link" not in page  # inline CSS only


# -- nothing to say ---------------------------------------------------------------------------------


def test_a_week_with_nothing_to_say_is_one_line():
    books = make_books([dossier("cahors", "C-1", start=date(2026, 3, 1))])
    d = office_digest(books, "cahors", WEEK, seen=frozenset({"C-1"}))
    assert d.is_empty
    rendered = render_office(d, COLLECTIVE)
    line = (
        "Rien à signaler cette semaine pour OT Cahors : aucun nouveau dossier confirmé, aucune arrivée "
        "d'ici le 6 décembre 2026, rien à corriger et aucun solde en cours."
    )
    assert rendered.text.strip() == line
    outline = Outline(rendered.html)
    assert outline.body == [line]
    assert outline.headings == [] and outline.images == []
    assert outline.tags.count("p") == 1
    assert rendered.chart_png is None
    assert "[Collectif du Lot] OT Cahors — récapitulatif" in rendered.subject


# -- the chart --------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_chart_is_a_small_png_referenced_by_its_content_id():
    rendered = render_office(cahors(), COLLECTIVE)
    assert rendered.chart_png is not None and rendered.chart_png.startswith(PNG)
    assert png_size(rendered.chart_png) == (480, 240)
    assert "<" not in rendered.chart_cid and "@" in rendered.chart_cid
    images = Outline(rendered.html).images
    assert len(images) == 1
    assert images[0]["src"] == f"cid:{rendered.chart_cid}"
    assert images[0]["alt"] and "chiffre d'affaires" in images[0]["alt"]
    assert images[0]["width"] == "100%"
    assert b"Software" not in rendered.chart_png  # no version that changes the bytes


def test_the_same_figures_give_the_same_chart_bytes():
    assert render_office(cahors(), COLLECTIVE).chart_png == render_office(cahors(), COLLECTIVE).chart_png


def test_no_chart_when_there_is_no_turnover_at_all():
    books = make_books([dossier("cahors", "C-1", start=MONDAY + timedelta(days=30))])
    rendered = render_office(office_digest(books, "cahors", WEEK, seen=frozenset()), COLLECTIVE)
    assert rendered.chart_png is None
    assert "cid:" not in rendered.html
    assert (
        "Aucun chiffre d'affaires depuis le 1er janvier 2026, ni sur la même période de 2025."
        in rendered.text
    )


def test_rendering_modules_load_jinja_and_matplotlib_only_when_used():
    code = (
        "import sys, lotsync.adapters.digest_render, lotsync.cli.commands; "
        "print(sorted(m for m in ('jinja2', 'matplotlib', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the collective ---------------------------------------------------------------------------------


def collective_of(books):
    return collective_digest(books, WEEK, [office_digest(books, m.id, WEEK, seen=SEEN) for m in MEMBERS])


def test_the_collective_digest_sums_up_every_office():
    rendered = render_collective(collective_of(hand_built_books(client=EVIL)), COLLECTIVE)
    assert rendered.subject == (
        "[Collectif du Lot] Tous les offices — récapitulatif de la semaine du 23 au 29 novembre 2026"
    )
    outline = Outline(rendered.html)
    assert [t for tag, t in outline.headings if tag == "h2"] == [
        "Les offices cette semaine",
        "Virements suggérés",
        "À corriger",
        "Chiffre d'affaires du collectif depuis le 1er janvier 2026",
    ]
    for line in (
        f"OT Cahors vire {euros('1000.00')} à OT Dordogne : 1 élément.",
        f"OT Dordogne vire {euros('750.00')} à OT Cahors : 2 éléments.",
        f"OT Figeac vire {euros('300.00')} à OT Cahors : 1 élément.",
        f"OT Figeac vire {euros('1000.00')} à OT Dordogne : 1 élément.",
        "OT Cahors : 1 nouveau dossier, 3 arrivées dans les 14 jours, 2 lignes à corriger, "
        f"solde {euros('50.00')}",
        "1 erreur de saisie et 1 journée entre offices à revoir",
        f"Total : {euros('4500.00')} (2025 : {euros('1500.00')}, évolution +200,0\u202f%)",
    ):
        assert line in rendered.text, line
    assert "<script" not in rendered.html
    assert rendered.chart_png is not None and f'src="cid:{rendered.chart_cid}"' in rendered.html
    assert rendered.chart_cid != render_office(cahors(), COLLECTIVE).chart_cid


def test_a_quiet_collective_is_one_line():
    books = make_books([dossier("cahors", "C-1", start=date(2026, 3, 1))])
    quiet = collective_digest(
        books, WEEK, [office_digest(books, m.id, WEEK, seen=frozenset({"C-1"})) for m in MEMBERS]
    )
    rendered = render_collective(quiet, COLLECTIVE)
    assert rendered.text.strip().startswith("Rien à signaler cette semaine pour le collectif")
    assert len(rendered.text.strip().splitlines()) == 1
    assert rendered.chart_png is None


# -- the demo, end to end ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_books(tmp_path_factory):
    from lotsync.adapters.config import load_config
    from lotsync.app.demo import write_demo
    from lotsync.app.sync import run_sync

    config = load_config(write_demo(Path(tmp_path_factory.mktemp("demo"))))
    outcome = run_sync(config, as_of=MONDAY, now=datetime(2026, 11, 23, 8), dry_run=True)
    return config, outcome.books


def test_the_demo_digests_render_with_every_section(demo_books):
    config, books = demo_books
    offices = []
    for member in books.members:
        live = sorted(
            (d for d in books.dossiers if d.office == member.id and d.is_live), key=lambda d: d.where.row
        )
        d = office_digest(books, member.id, WEEK, seen=frozenset(x.ref for x in live[:-4]))
        offices.append(d)
        rendered = render_office(d, config.collective.name)
        headings = [t for tag, t in Outline(rendered.html).headings if tag == "h2"]
        payments = ["Règlements enregistrés"] if d.payments else []  # the demo's, dated that week
        assert d.requests is not None and d.requests.open  # the demo's `Demandes` tab
        assert [h.split(" (")[0] for h in headings] == [s.split(" (")[0] for s in SECTIONS[:2]] + [
            "Demandes du site en cours",
            *[s.split(" (")[0] for s in SECTIONS[2:4]],
            *payments,
            "Votre part des frais communs 2026",
            "Votre chiffre d'affaires depuis le 1er janvier 2026",
        ]
        assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text))
        assert rendered.chart_png is not None and rendered.chart_png.startswith(PNG)
    rendered = render_collective(collective_digest(books, WEEK, offices), config.collective.name)
    assert "Tous les offices" in rendered.subject
    assert "Demandes du site" in [t for tag, t in Outline(rendered.html).headings if tag == "h2"]
    assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text))


# -- settlement: what to pay, what to collect, the payments of the week -----------------------------


def shown(rendered) -> tuple[str, str]:
    """The text alternative, and the HTML as a reader sees it."""
    return rendered.text, Outline(rendered.html).text


def test_in_gross_mode_each_office_reads_what_to_pay_and_collect_item_by_item():
    books = two_ways()
    cahors_text, cahors_page = shown(
        render_office(office_digest(books, "cahors", WEEK, seen=None), COLLECTIVE)
    )
    figeac_text, figeac_page = shown(
        render_office(office_digest(books, "figeac", WEEK, seen=None), COLLECTIVE)
    )
    for text in (cahors_text, cahors_page):
        assert f"À payer à OT Figeac : 2 éléments, {euros('500.00')}" in text
        assert f"À encaisser de OT Figeac : 1 élément, {euros('200.00')}" in text
        assert "élément par élément" in text
    assert (
        f"  - 05/10/2026 · Journée · Club des aînés de Brive · facture FA-1 · réf. OT Figeac F-1 · "
        f"votre réf. C-1 : {euros('300.00')}"
    ) in cahors_text
    assert (
        f"12/10/2026 Journée · Club des aînés de Brive · facture FA-2 · réf. OT Figeac F-2 · votre réf. C-2 "
        f"{euros('200.00')}"
    ) in cahors_page
    for text in (figeac_text, figeac_page):
        assert f"À encaisser de OT Cahors : 2 éléments, {euros('500.00')}" in text
        assert "votre réf. F-1 · réf. OT Cahors C-1" in text


def test_in_pair_mode_the_net_transfer_says_what_it_pays_and_what_it_sets_off():
    books = two_ways(SettlementMode.PAIR)
    cahors = shown(render_office(office_digest(books, "cahors", WEEK, seen=None), COLLECTIVE))
    figeac = shown(render_office(office_digest(books, "figeac", WEEK, seen=None), COLLECTIVE))
    for text in cahors:
        assert f"À payer à OT Figeac : {euros('300.00')}" in text
        assert f"Il règle 2 éléments que vous devez à OT Figeac ({euros('500.00')}) :" in text
        assert f"et compense 1 élément que OT Figeac vous doit ({euros('200.00')}) :" in text
        assert "au plus un virement par paire d'offices" in text
    for text in figeac:
        assert f"À encaisser de OT Cahors : {euros('300.00')}" in text
        assert f"Il règle 2 éléments que OT Cahors vous doit ({euros('500.00')}) :" in text
        assert f"et compense 1 élément que vous devez à OT Cahors ({euros('200.00')}) :" in text
    collective = render_collective(collective_of(books), COLLECTIVE).text
    assert (
        f"OT Cahors vire {euros('300.00')} à OT Figeac : il règle 2 éléments ({euros('500.00')}) "
        f"et en compense 1 ({euros('200.00')})."
    ) in collective


def test_in_pair_mode_a_set_off_without_transfer_is_still_told():
    paid = [payment(date(2026, 11, 2), "cahors", "figeac", "300.00", "FA-1")]
    books = two_ways(SettlementMode.PAIR, payments=paid)
    for text in shown(render_office(office_digest(books, "cahors", WEEK, seen=None), COLLECTIVE)):
        assert "Avec OT Figeac : aucun virement" in text
        assert f"se compense exactement ({euros('200.00')} de chaque côté)" in text
        assert f"D'un côté 1 élément que vous devez à OT Figeac ({euros('200.00')}) :" in text
        assert f"de l'autre 1 élément que OT Figeac vous doit ({euros('200.00')}) :" in text
    assert (
        f"OT Cahors et OT Figeac : aucun virement, 2 éléments se compensent exactement "
        f"({euros('200.00')} de chaque côté)."
    ) in render_collective(collective_of(books), COLLECTIVE).text


def test_in_minimal_mode_the_digest_says_a_transfer_may_pay_other_offices_debts():
    # Figeac owes Cahors 300.00 and Cahors owes Dordogne 300.00: Figeac pays Dordogne.
    rows = [
        purchase("figeac", "cahors", "F-1", amount="300.00", partner_ref="C-1"),
        sale("cahors", "figeac", "C-1", amount="300.00", partner_ref="F-1"),
        purchase("cahors", "dordogne", "C-2", amount="300.00", partner_ref="D-1"),
        sale("dordogne", "cahors", "D-1", amount="300.00", partner_ref="C-2"),
    ]
    books = make_books(rows, mode=SettlementMode.MINIMAL)
    sentence = "dans ce mode, un virement peut payer les dettes d'autres offices"
    for office, line in (
        ("figeac", f"Vous virez {euros('300.00')} à OT Dordogne."),
        ("dordogne", f"OT Figeac vous vire {euros('300.00')}."),
        ("cahors", "Aucun virement ne vous concerne."),
    ):
        for text in shown(render_office(office_digest(books, office, WEEK, seen=None), COLLECTIVE)):
            assert line in text and sentence in text
            assert "À payer à" not in text
    text, page = shown(render_collective(collective_of(books), COLLECTIVE))
    for every in (text, page):
        assert f"OT Figeac vire {euros('300.00')} à OT Dordogne." in every
        assert sentence in every
        assert "Ce que chaque office doit à chaque autre" in every
        assert f"OT Cahors doit {euros('300.00')} à OT Dordogne (1 élément)." in every
        assert f"OT Figeac doit {euros('300.00')} à OT Cahors (1 élément)." in every


def test_the_minimal_mode_keeps_the_fewest_transfers_of_the_hand_built_week():
    books = hand_built_books(mode=SettlementMode.MINIMAL)
    assert f"OT Figeac vous vire {euros('50.00')}." in render_office(cahors(books), COLLECTIVE).text
    text = render_collective(collective_of(books), COLLECTIVE).text
    assert f"OT Figeac vire {euros('1250.00')} à OT Dordogne." in text
    assert f"OT Figeac vire {euros('50.00')} à OT Cahors." in text


def paid_week():
    """`two_ways`, plus a day Dordogne bought from Cahors (400.00, invoiced CA-9 on 9 November).

    Payments: Figeac paid Cahors 100.00 for CA-7 on 10 November (the week before last: not listed);
    Cahors paid Figeac 300.00 for FA-1 on Tuesday 17 November; Dordogne paid Cahors 450.00 for CA-9
    on Wednesday 18 November, 50.00 too much, which Cahors owes back."""
    paid = [
        payment(date(2026, 11, 10), "figeac", "cahors", "100.00", "CA-7"),
        payment(date(2026, 11, 17), "cahors", "figeac", "300.00", "FA-1"),
        payment(date(2026, 11, 18), "dordogne", "cahors", "450.00", "CA-9", mode="mandat"),
    ]
    rows = [
        *two_ways().dossiers,
        sale(
            "cahors",
            "dordogne",
            "C-5",
            start=date(2026, 11, 9),
            amount="400.00",
            partner_ref="D-5",
            invoice="CA-9",
        ),
        purchase("dordogne", "cahors", "D-5", start=date(2026, 11, 9), amount="400.00", partner_ref="C-5"),
    ]
    return make_books(rows, payments=paid), paid


def test_the_payments_of_the_week_say_what_they_settled_and_any_excess():
    books, paid = paid_week()
    text, page = shown(render_office(office_digest(books, "cahors", WEEK, seen=None), COLLECTIVE))
    row = paid[2].where.row
    for every in (text, page):
        assert "Règlements enregistrés (2)" in every
        assert "Ceux que vous avez faits ou reçus, datés du 16 au 22 novembre 2026." in every
        assert f"17/11/2026 — vous avez viré {euros('300.00')} à OT Figeac (virement)" in every
        assert f"18/11/2026 — OT Dordogne vous a viré {euros('450.00')} (mandat)" in every
        assert "10/11/2026" not in every  # the week before last
        assert f"Trop-perçu : {euros('50.00')}, que vous devez rendre à OT Dordogne." in every
        assert f"Onglet « Règlements », ligne {row}" in every
        # What is still open: FA-2, the refund, and half of CA-7.
        assert f"À payer à OT Figeac : 1 élément, {euros('200.00')}" in every
        assert f"À payer à OT Dordogne : 1 élément, {euros('50.00')}" in every
        assert f"Trop-perçu · Trop-perçu du règlement du 18/11/2026 (ligne {row})" in every
        assert f"À encaisser de OT Figeac : 1 élément, {euros('100.00')}" in every
    assert (
        f"  - 19/10/2026 · Journée · Club des aînés de Brive · facture CA-7 · votre réf. C-3 · "
        f"réf. OT Figeac F-3 : {euros('100.00')} ({euros('200.00')}, dont {euros('100.00')} déjà réglés)"
    ) in text
    assert (
        f"  - 09/11/2026 · Journée · Club des aînés de Brive · facture CA-9 · votre réf. C-5 · "
        f"réf. OT Dordogne D-5 : {euros('400.00')}"
    ) in text
    # The overpayment is something to fix, pointing at the payment's row and amount.
    fix = f"collectif.xlsx, onglet « Règlements », ligne {row}, colonne « Montant »"
    assert fix in text and fix in page
    assert "Trop-perçu — Ce règlement de" in text
    dordogne = render_office(office_digest(books, "dordogne", WEEK, seen=None), COLLECTIVE).text
    assert f"18/11/2026 — vous avez viré {euros('450.00')} à OT Cahors (mandat)" in dordogne
    assert f"Trop-perçu : {euros('50.00')}, que OT Cahors vous doit en retour." in dordogne
    assert f"À encaisser de OT Cahors : 1 élément, {euros('50.00')}" in dordogne
    assert fix in dordogne
    figeac = render_office(office_digest(books, "figeac", WEEK, seen=None), COLLECTIVE).text
    assert fix not in figeac and "(mandat)" not in figeac


def test_the_collective_sums_up_the_payments_of_the_week():
    books, _ = paid_week()
    rendered = render_collective(collective_of(books), COLLECTIVE)
    assert "Règlements enregistrés (2)" in [t for tag, t in Outline(rendered.html).headings if tag == "h2"]
    for every in shown(rendered):
        assert f"Datés du 16 au 22 novembre 2026 : {euros('750.00')} au total." in every
        assert f"17/11/2026 — OT Cahors a viré {euros('300.00')} à OT Figeac (virement)" in every
        assert "Il règle 1 élément." in every
        assert f"Il règle 1 élément ; trop-perçu {euros('50.00')}, à rendre par OT Cahors." in every
    assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text))


def test_the_text_alternative_has_the_amounts_of_the_html_for_every_mode_and_payment():
    books, paid = paid_week()
    for mode in SettlementMode:
        moded = make_books(books.dossiers, payments=paid, mode=mode)
        for member in MEMBERS:
            rendered = render_office(office_digest(moded, member.id, WEEK, seen=None), COLLECTIVE)
            assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text)), (
                mode,
                member,
            )


def test_while_books_are_incomplete_payments_are_listed_without_what_they_settle():
    books, _ = paid_week()
    last = LastComplete("lundi 16 novembre 2026 à 08:00", books.balances, books.transfers)
    incomplete = books._replace(gaps=(FIGEAC_UNREAD,))
    d = office_digest(incomplete, "cahors", WEEK, seen=None, last_complete=last)
    for every in shown(render_office(d, COLLECTIVE)):
        assert f"18/11/2026 — OT Dordogne vous a viré {euros('450.00')} (mandat)" in every
        assert "Ce qu'ils règlent sera détaillé quand tous les classeurs auront pu être lus." in every
        assert "Il règle" not in every and "Trop-perçu :" not in every
        # The last complete transfers, amounts only: no item this week's books might have wrong.
        assert f"Vous virez {euros('200.00')} à OT Figeac." in every
        assert "À payer à" not in every
        assert "lundi 16 novembre 2026 à 08:00" in every
    collective = render_collective(collective_digest(incomplete, WEEK, [d], last), COLLECTIVE).text
    assert "Ce qu'ils règlent sera détaillé quand tous les classeurs auront pu être lus." in collective
    assert "Il règle" not in collective


def test_invoices_references_and_modes_from_the_sheets_are_escaped():
    rows = [
        purchase("cahors", "figeac", "C-1", start=date(2026, 10, 5), amount="300.00", partner_ref="F-1"),
        sale(
            "figeac",
            "cahors",
            "F-1",
            start=date(2026, 10, 5),
            amount="300.00",
            partner_ref="C-1",
            invoice=EVIL,
        ),
    ]
    paid = [payment(date(2026, 11, 17), "cahors", "figeac", "100.00", EVIL, mode=EVIL)]
    books = make_books(rows, payments=paid)
    for d in (
        office_digest(books, "cahors", WEEK, seen=None),
        office_digest(books, "figeac", WEEK, seen=None),
    ):
        rendered = render_office(d, COLLECTIVE)
        assert "<script" not in rendered.html.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
        assert f"facture {EVIL}" in rendered.text and f"({EVIL})" in rendered.text
    page = render_collective(collective_of(books), COLLECTIVE).html
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    # A partner's name in the sentences of a pair-mode transfer, escaped once.
    named = two_ways(SettlementMode.PAIR)
    named = named._replace(
        members=tuple(m._replace(aliases=(EVIL,)) if m.id == "figeac" else m for m in MEMBERS)
    )
    page = render_office(office_digest(named, "cahors", WEEK, seen=None), COLLECTIVE).html
    assert "<script" not in page.lower() and "&amp;lt;" not in page
    assert f"que vous devez à {EVIL}" in Outline(page).text


# -- requests from the collective's website (issue 14) ----------------------------------------------


def with_requests(books, requests_books):
    """`books` with the requests (and the requests' gaps) of `requests_books`."""
    return books._replace(requests=requests_books.requests, gaps=(*books.gaps, *requests_books.gaps))


def web(where: Where) -> str:
    return f"https://docs.google.com/spreadsheets/d/abc/edit#gid=7&range=A{where.row}"


def test_an_office_reads_its_open_requests_late_first_with_their_age_and_a_link_to_the_row():
    books = with_requests(hand_built_books(), requests_week())
    rendered = render_office(cahors(books, locate=web), COLLECTIVE)
    text, page = shown(rendered)
    outline = Outline(rendered.html)
    headings = [t for tag, t in outline.headings if tag == "h2"]
    assert headings == [*SECTIONS[:2], "Demandes du site en cours (3, dont 1 en retard)", *SECTIONS[2:]]
    for every in (text, page):
        assert "EN RETARD · 5 jours ouvrés — Lycée Champollion (Marie Dupont) · 52 pax" in every
        assert "(Marie Dupont) · 52 pax · souhaitée : mi-juin 2027" in every
        assert "Statut : nouvelle · lieux souhaités : Saint-Cirq-Lapopie, Figeac" in every
        assert "Autres offices nommés : OT Figeac." in every
        assert "Reçue le 16/11/2026, n° W-7 · collectif.xlsx, onglet « Demandes », ligne 5" in every
        assert "Une demande est en retard sans réponse 2 jours ouvrés après sa réception." in every
        assert "Confirmée" not in every and "Figeac en retard" not in every and "Sans office" not in every
    # Late first, then the oldest.
    assert text.index("5 jours ouvrés") < text.index("14 jours ouvrés — Devis") < text.index("1 jour ouvré")
    assert "- 14 jours ouvrés — Devis\n  Statut : devis envoyé\n" in text
    assert "Ouvrir la ligne : https://docs.google.com/spreadsheets/d/abc/edit#gid=7&range=A5" in text
    assert "https://docs.google.com/spreadsheets/d/abc/edit#gid=7&range=A5" in outline.links
    assert "ouvrir la ligne 5" in page
    assert (
        '<span style="white-space:nowrap;word-break:normal;overflow-wrap:normal;color:#a34700;'
        in (rendered.html.split("Lycée Champollion")[0].rsplit("<li", 1)[1])
    ), "the late mark is the digest's warning colour"
    assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text))


def test_the_collective_lists_the_requests_to_assign_the_late_ones_and_the_year_funnel():
    books = with_requests(hand_built_books(), requests_week())
    rendered = render_collective(
        collective_digest(books, WEEK, [office_digest(books, m.id, WEEK, seen=SEEN) for m in MEMBERS]),
        COLLECTIVE,
    )
    text, page = shown(rendered)
    outline = Outline(rendered.html)
    assert [t for tag, t in outline.headings if tag == "h2"] == [
        "Les offices cette semaine",
        "Virements suggérés",
        "À corriger",
        "Demandes du site",
        "Chiffre d'affaires du collectif depuis le 1er janvier 2026",
    ]
    assert [t for tag, t in outline.headings if tag == "h3"] == [
        "En retard (2)",
        "À attribuer (2)",
        "Reçues en 2026, par office",
        "Par office",
    ]
    for every in (text, page):
        assert "EN RETARD · 5 jours ouvrés · OT Cahors — Lycée Champollion (Marie Dupont)" in every
        assert "EN RETARD · 4 jours ouvrés · OT Figeac — Figeac en retard" in every
        assert "EN RETARD · 3 jours ouvrés — Sans office" in every
        assert "Office suggéré : OT Dordogne (lieu de séjour : Rocamadour)." in every
        assert "Office suggéré : aucun (lieu hors du collectif : Sarlat-la-Canéda)." in every
        assert "Taux de conversion : demandes confirmées sur demandes reçues." in every
    assert (
        "- OT Cahors : 4 reçues, 2 répondues, 2 devis envoyés, 1 confirmée, 0 perdue, 0 sans suite ; "
        "conversion 25,0\u202f% ; délai médian de réponse 1,5 jour ouvré"
    ) in text
    assert (
        "- OT Dordogne : 0 reçue, 0 répondue, 0 devis envoyé, 0 confirmée, 0 perdue, 0 sans suite ; "
        "conversion — ; délai médian de réponse —" in text
    )
    assert "- Sans office : 2 reçues" in text
    assert "Demandes OT Cahors OT Dordogne OT Figeac Sans office Reçues 4 0 1 2" in page
    assert "Taux de conversion 25,0\u202f% — 0,0\u202f% 0,0\u202f%" in page
    assert "Délai médian de réponse (jours ouvrés) 1,5 — — —" in page
    assert "2025" not in text.split("## Demandes du site")[1].split("## Chiffre")[0]
    assert Counter(money_values(rendered.html)) == Counter(money_values(rendered.text))
    fixed = [int(w) for w in re.findall(r"(?<![-\w])width:\s*(\d+)px", rendered.html)]
    assert all(w <= 360 for w in fixed), fixed


def test_no_e_mail_address_or_phone_number_of_a_requester_reaches_any_digest():
    books = with_requests(
        hand_built_books(),
        books_with_requests(
            request(
                received=date(2026, 11, 16),
                requester="Marie Dupont",
                structure="Lycée Champollion — contact : secretariat@lycee.example",
                email="m.dupont@example.org",
                phone="+33 6 12 34 56 78",
                assigned="Cahors",
                wanted="12/05/2027, rappeler au 05.65.53.20.65",
                places="Figeac (M.Dupont@Example.org)",
            ),
            request(
                received=date(2026, 11, 18),
                requester="jean.martin@example.net",
                phone="0612345678",
                stay="Rocamadour",
                places="appeler le 06 12 34 56 78 ou le 0033 5 65 53 20 65",
            ),
        ),
    )
    offices = [office_digest(books, m.id, WEEK, seen=SEEN) for m in MEMBERS]
    digests = [render_office(o, COLLECTIVE) for o in offices]
    digests.append(render_collective(collective_digest(books, WEEK, offices), COLLECTIVE))
    contacts = ("example.org", "example.net", "lycee.example", "12 34 56", "0612345678", "65.53", "65 53")
    for rendered in digests:
        for part in (rendered.subject, rendered.text, rendered.html):
            assert not any(c.lower() in part.lower() for c in contacts), part
            assert not re.search(r"[\w.]+@[\w-]+\.\w+", part.replace(rendered.chart_cid, ""))
    text = digests[0].text
    assert "Lycée Champollion — contact : [coordonnées masquées] (Marie Dupont)" in text
    assert "souhaitée : 12/05/2027, rappeler au [coordonnées masquées]" in text
    assert "lieux souhaités : Figeac ([coordonnées masquées])" in text
    collective = digests[-1].text
    assert "— [coordonnées masquées]\n" in collective  # a requester who typed an e-mail for a name
    assert "appeler le [coordonnées masquées] ou le [coordonnées masquées]" in collective


def test_a_request_text_that_is_not_a_contact_is_kept():
    for kept in ("12/05/2027", "mi-juin 2027", "du 12 au 14 mai", "W-2026-0001234", "40 pax", "2026-11-24"):
        assert hide_contacts(kept) == kept
    assert hide_contacts("écrire à a.b@c.fr ou au 05 65 53 20 65") == (
        "écrire à [coordonnées masquées] ou au [coordonnées masquées]"
    )


def test_a_requester_named_in_html_is_escaped():
    books = with_requests(
        hand_built_books(),
        books_with_requests(
            request(received=date(2026, 11, 16), requester="<b>x</b>", structure=EVIL, assigned="Cahors"),
            request(received=date(2026, 11, 17), requester="<b>x</b>", places="<i>Figeac</i>"),
        ),
    )
    offices = [office_digest(books, m.id, WEEK, seen=SEEN) for m in MEMBERS]
    for rendered in (
        render_office(offices[0], COLLECTIVE),
        render_collective(collective_digest(books, WEEK, offices), COLLECTIVE),
    ):
        assert "<b>x</b>" not in rendered.html and "<script" not in rendered.html.lower()
        assert "<i>" not in rendered.html
        assert "&lt;b&gt;x&lt;/b&gt;" in rendered.html
        assert "<b>x</b>" in rendered.text  # the text alternative says what the sheet says
    office_page = render_office(offices[0], COLLECTIVE).html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (&lt;b&gt;x&lt;/b&gt;)" in office_page


def test_without_requests_the_digests_are_byte_for_byte_what_they_were():
    """No requests tab (`read` False), even one asked for and missing: nothing changes, no empty
    section; nor does an office's digest when the tab has nothing open for it."""
    missing = Anomaly(AnomalyKind.MISSING_TAB, Where("collectif.xlsx", "Demandes", 0), "", "", "absent")
    absent = compute_books(Inputs({}, read_anomalies=[missing]), RULES, MONDAY)
    assert not absent.requests.read and absent.gaps
    others = books_with_requests(
        request(received=date(2026, 11, 16), requester="A", assigned="Figeac"),
        request(received=date(2026, 11, 2), requester="B", assigned="Cahors", status="perdue"),
    )
    for mode in SettlementMode:
        for plain in (hand_built_books(mode=mode), two_ways(mode), make_books([])):
            for variant in (with_requests(plain, absent), plain._replace(requests=NO_REQUESTS)):
                offices = [office_digest(variant, m.id, WEEK, seen=SEEN) for m in MEMBERS]
                before = [office_digest(plain, m.id, WEEK, seen=SEEN) for m in MEMBERS]
                for now, then in zip(offices, before, strict=True):
                    assert render_office(now, COLLECTIVE) == render_office(then, COLLECTIVE)
                assert render_collective(collective_digest(variant, WEEK, offices), COLLECTIVE) == (
                    render_collective(collective_digest(plain, WEEK, before), COLLECTIVE)
                )
            nothing_open = office_digest(with_requests(plain, others), "cahors", WEEK, seen=SEEN)
            assert nothing_open.requests is not None
            then = render_office(office_digest(plain, "cahors", WEEK, seen=SEEN), COLLECTIVE)
            assert render_office(nothing_open, COLLECTIVE) == then
    assert "emande" not in render_office(cahors(), COLLECTIVE).html


def test_a_requests_tab_that_cannot_be_read_is_said_and_the_balances_stay_this_week_s():
    header = [h for h in REQUEST_HEADER if h != "Reçue le"]
    books = with_requests(hand_built_books(), books_with_requests(sheet=demandes(header=header)))
    offices = [office_digest(books, m.id, WEEK, seen=SEEN) for m in MEMBERS]
    for rendered in (
        render_office(offices[0], COLLECTIVE),
        render_collective(collective_digest(books, WEEK, offices), COLLECTIVE),
    ):
        text, page = shown(rendered)
        for every in (text, page):
            assert "Les demandes du site n'ont pas pu être lues cette semaine, car" in every
            assert "Attention" not in every and "Non calculé" not in every
    office_text = render_office(offices[0], COLLECTIVE).text
    assert f"À payer à OT Dordogne : 1 élément, {euros('1000.00')}" in office_text
