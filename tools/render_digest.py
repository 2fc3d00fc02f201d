"""Render the demo's weekly digests in headless Chromium at 360 and 1024 px wide, and check them.

Not part of `make test`. It writes the demo to a temporary folder, computes its books as of
Monday 23 November 2026, and renders the digest of each office and of the collective. Each
page is opened at 360 px and 1024 px wide with a small script that reports whether anything
scrolls sideways, which elements stick out, the section headings and the chart's size. The
first office's digest is saved as `docs/digest-360.png` and `docs/digest-1024.png`.

Chromium will not make a window narrower than 500 px, so each page is shown in an iframe of
the width under test (360 px: a phone), inside a window at least 500 px wide; the screenshot
is then cropped to the frame and reduced to a palette of colours (Pillow, which matplotlib
brings), to keep the PNGs small.

Chromium comes from Debian: when `chromium` is not on the PATH and this runs as root, the
script installs it with `apt-get install -y chromium` (and says so).

    .venv/bin/python tools/render_digest.py [--out docs] [--office cahors]

Exits 0 when every page fits its width and shows every section it should, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lotsync.adapters.config import load_config  # noqa: E402
from lotsync.adapters.digest_render import Rendered, render_collective, render_office  # noqa: E402
from lotsync.app.demo import write_demo  # noqa: E402
from lotsync.app.sync import run_sync  # noqa: E402
from lotsync.core.digest import Week, collective_digest, office_digest  # noqa: E402

AS_OF = date(2026, 11, 23)
WEEK = Week.containing(AS_OF)
WIDTHS = (360, 1024)
RECENT = 4
"""The last rows entered in each sheet count as new since the previous digest."""

CHECK = """
<script>
window.addEventListener("load", function () {
  var root = document.documentElement, width = window.innerWidth, wide = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var box = e.getBoundingClientRect();
    if (box.right > width + 0.5) wide.push(e.tagName.toLowerCase() + " " + Math.round(box.right));
  });
  var img = document.querySelector("img");
  parent.postMessage({
    innerWidth: width,
    scrollWidth: root.scrollWidth,
    fits: root.scrollWidth <= width,
    height: Math.ceil(document.body.getBoundingClientRect().height),
    wide: wide.slice(0, 5),
    headings: Array.prototype.map.call(document.querySelectorAll("h1, h2, h3"), function (h) {
      return h.tagName.toLowerCase() + ": " + h.textContent.trim();
    }),
    chart: img ? [img.naturalWidth, img.naturalHeight, Math.round(img.getBoundingClientRect().width)] : null
  }, "*");
});
</script>
"""

FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>en attente</title></head>
<body style="margin:0">
<iframe src="{src}" style="border:0;display:block;width:{width}px;height:{height}px"></iframe>
<script>
window.addEventListener("message", function (e) {{ document.title = JSON.stringify(e.data); }});
</script>
</body></html>
"""
MIN_WINDOW = 500
"""Chromium's narrowest window."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("chromium est introuvable : installez-le (apt-get install chromium) puis relancez.")
    print("chromium est introuvable : installation du paquet Debian (apt-get install -y chromium)…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env)
    found = shutil.which("chromium")
    if not found:
        sys.exit("chromium n'a pas pu être installé.")
    return found


class Browser:
    def __init__(self, binary: str, scratch: Path):
        self.binary = binary
        self.scratch = scratch

    def run(self, page: Path, width: int, height: int, *extra: str) -> str:
        profile = tempfile.mkdtemp(dir=self.scratch, prefix="profile-")
        command = [
            self.binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            *extra,
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"chromium a échoué ({done.returncode}) : {done.stderr[-2000:]}")
        return done.stdout

    def frame(self, page: Path, width: int, height: int) -> Path:
        wrapper = page.with_name(f"{page.stem}-{width}x{height}.html")
        wrapper.write_text(FRAME.format(src=page.name, width=width, height=height), encoding="utf-8")
        return wrapper

    def measure(self, page: Path, width: int) -> dict:
        wrapper = self.frame(page, width, 2000)
        dom = self.run(wrapper, max(width, MIN_WINDOW), 2000, "--virtual-time-budget=5000", "--dump-dom")
        found = re.search(r"<title>(.*?)</title>", dom, re.S)
        if not found:
            raise RuntimeError("la page n'a pas de titre : le script de contrôle n'a pas tourné")
        try:
            return json.loads(html.unescape(found[1]))
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"le script de contrôle n'a pas tourné : {found[1][:200]!r}") from exc

    def screenshot(self, page: Path, width: int, height: int, target: Path) -> None:
        from PIL import Image

        wrapper = self.frame(page, width, height)
        raw = page.with_name(f"{page.stem}-{width}.png")
        self.run(wrapper, max(width, MIN_WINDOW), height, "--virtual-time-budget=5000", f"--screenshot={raw}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(raw) as image:
            small = (
                image.convert("RGB").crop((0, 0, width, height)).quantize(colors=64, dither=Image.Dither.NONE)
            )
            small.save(target, optimize=True)


def browser_page(rendered: Rendered, folder: Path, name: str, *, check: bool) -> Path:
    """The mail's HTML as a browser sees it: the cid: chart becomes a data: URI."""
    page = rendered.html
    if rendered.chart_png is not None:
        data = "data:image/png;base64," + base64.b64encode(rendered.chart_png).decode("ascii")
        page = page.replace(f"cid:{rendered.chart_cid}", data)
    if check:
        page = page.replace("</body>", CHECK + "</body>")
    path = folder / name
    path.write_text(page, encoding="utf-8")
    return path


def expected_sections(kind: str, context: dict) -> list[str]:
    if kind == "collective":
        wanted = ["Les offices cette semaine", "Virements suggérés", "Chiffre d'affaires du collectif"]
        if context["anomalies"] or context["problems"]:
            wanted.append("À corriger")
        return wanted
    wanted = []
    if context["first"] or context["new"]:
        wanted.append("Nouveaux dossiers confirmés")
    if context["arrivals"]:
        wanted.append("Arrivées des 14 prochains jours")
    if context["fixes"]:
        wanted.append("À corriger")
    if context["owed"]:
        wanted.append("Ce que vous devez et ce qu'on vous doit")
    if context["shares"]:
        wanted.append("Votre part des frais communs")
    wanted.append("Votre chiffre d'affaires")
    return wanted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the screenshots go")
    parser.add_argument("--office", default=None, help="the office whose screenshots are saved")
    args = parser.parse_args()

    binary = chromium()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    print(f"Navigateur : {version.strip()}")
    with tempfile.TemporaryDirectory(prefix="lotsync-digest-") as tmp:
        scratch = Path(tmp)
        config = load_config(write_demo(scratch / "demo"))
        books = run_sync(config, as_of=AS_OF, now=datetime(2026, 11, 23, 8), dry_run=True).books
        digests = []
        for member in books.members:
            rows = sorted(
                (d for d in books.dossiers if d.office == member.id and d.is_live), key=lambda d: d.where.row
            )
            seen = frozenset(d.ref for d in rows[:-RECENT])
            digests.append(office_digest(books, member.id, WEEK, seen=seen))
        name = config.collective.name
        pages = []
        for d in digests:
            context = {
                "first": d.first,
                "new": d.new_dossiers,
                "arrivals": d.arrivals,
                "fixes": d.fixes,
                "owed": d.balance.receivable or d.balance.payable or d.transfers,
                "shares": d.fee_shares,
            }
            pages.append(
                (d.member.id, "office", render_office(d, name), expected_sections("office", context))
            )
        collective = collective_digest(books, WEEK, digests)
        context = {"anomalies": collective.anomalies, "problems": collective.problems}
        pages.append(
            (
                "collectif",
                "collective",
                render_collective(collective, name),
                expected_sections("collective", context),
            )
        )

        browser = Browser(binary, scratch)
        shot_office = args.office or digests[0].member.id
        failures = 0
        print(f"Semaine {WEEK.label}, livres au {AS_OF:%d/%m/%Y}\n")
        for ident, _kind, rendered, wanted in pages:
            page = browser_page(rendered, scratch, f"{ident}-check.html", check=True)
            chart = len(rendered.chart_png) if rendered.chart_png else 0
            print(f"{ident} : {rendered.subject}")
            print(
                f"  HTML {len(rendered.html.encode())} octets, texte {len(rendered.text.encode())} octets, "
                f"graphique {chart} octets"
            )
            for width in WIDTHS:
                seen = browser.measure(page, width)
                headings = seen["headings"]
                missing = [w for w in wanted if not any(h.split(": ", 1)[1].startswith(w) for h in headings)]
                ok = seen["fits"] and not missing and seen["innerWidth"] == width
                failures += not ok
                print(
                    f"  {width:>4} px : {'OK ' if ok else 'ÉCHEC'} "
                    f"largeur de la page {seen['scrollWidth']} px "
                    f"pour {seen['innerWidth']} px, hauteur {seen['height']} px, "
                    f"graphique {seen['chart']}, sections {len(wanted) - len(missing)}/{len(wanted)}"
                )
                if seen["wide"]:
                    print(f"         dépassent : {', '.join(seen['wide'])}")
                if missing:
                    print(f"         sections absentes : {', '.join(missing)}")
                if ident == shot_office:
                    target = args.out / f"digest-{width}.png"
                    shot = browser_page(rendered, scratch, f"{ident}.html", check=False)
                    browser.screenshot(shot, width, seen["height"], target)
                    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
                    print(f"         capture : {shown} ({target.stat().st_size} octets)")
            print()
    print("Tout est lisible à 360 et 1024 px." if not failures else f"{failures} contrôle(s) en échec.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
