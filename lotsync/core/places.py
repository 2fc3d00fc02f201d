"""Which office a group request goes to, from the places it names.

A request from the collective's website names a place of stay (`Lieu de séjour`) and the places the
group wants to see (`Lieux souhaités`), as people type them: "St-Cirq-Lapopie", "séjour à
Rocamadour", "Figeac, Conques et Padirac". The office of the main stay handles the request and
buys days from the others (docs/architecture.md; the domain's "How they sell together"), so:

- the suggested office is the one whose territory holds the place of stay, when it names a known
  place of the collective;
- otherwise the office of the first place of the collective named among the wanted places;
- places outside the collective (known communes of the Lot's neighbours, or of the Lot outside the
  three territories) never decide: a request naming only such places is `OUTSIDE_ONLY`, one naming
  no known place at all `NO_KNOWN_PLACE`, and neither has a suggested office;
- a deciding name that two offices share (homonyms) is `AMBIGUOUS`: a person chooses.

What a place is comes from a `Gazetteer`: names compared by `place_key` (accents, case, hyphens and
`St-`/`Ste-` do not matter), each to one or more `Place`s. A place may have other names (a former or
delegated commune's: "Conques" is Conques-en-Rouergue), which name it where no place has that name.
The core knows no commune: the adapters build the gazetteer from the official data
(`lotsync.adapters.territories`) and the configuration.

Some place names are ordinary words ("Bio", "Espère", "Cours", "Vers"). A piece of a field (between
separators and joining words, `find_places`) that is wholly a known name always names it, whatever
its case: "rocamadour" alone is Rocamadour. A name found inside a longer piece names a place only if
it is written with a capital at its start, as typed (an accented one counts: "Échourgnac"), or if it
has several words: "ferme bio à Figeac" names Figeac alone, "séjour à Bio" names Bio, "séjour à
saint cirq lapopie" names Saint-Cirq-Lapopie.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from lotsync.core import french

PlaceKind = Literal["commune", "site"]

_APOSTROPHES = "'’ʼ"
"""U+02BC (ʼ) is a letter for Unicode, not punctuation: named here so that it separates words."""
_LIGATURES = str.maketrans(
    {unicodedata.lookup("LATIN SMALL LIGATURE OE"): "oe", unicodedata.lookup("LATIN SMALL LETTER AE"): "ae"}
)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_PIECE_SEPARATORS = re.compile(r"[,;/+&\n\r]")


def _separates(char: str) -> bool:
    """Whether a character is between words: a space, or punctuation (apostrophes, hyphens and dashes,
    dots, underscores, slashes, brackets, quotes…)."""
    return char.isspace() or char in _APOSTROPHES or unicodedata.category(char).startswith("P")


def place_key(name: str) -> str:
    """The comparison key of a place name: "St-Cirq-Lapopie", "saint cirq lapopie" and
    "SAINT-CIRQ-LAPOPIE" are all `saint cirq lapopie`.

    Unicode NFKD with the accents dropped, case folded, `œ` → `oe` and `æ` → `ae`; every punctuation
    mark (apostrophes ’ ' ʼ, hyphens and dashes, dots, underscores, slashes…) made a space and spaces
    collapsed; then the abbreviations `st`, `ste`, `sts`, `stes` written out as whole words. A key's
    key is itself.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_LIGATURES)
    spaced = "".join(" " if _separates(c) else c for c in bare)
    return " ".join(_ABBREVIATIONS.get(word, word) for word in spaced.split())


@dataclass(frozen=True)
class Place:
    """A place a request may name: a commune, or a site the configuration names."""

    name: str
    """As it is shown: "Saint-Cirq-Lapopie", "Gouffre de Padirac"."""
    member: str | None
    """The member whose territory holds it; None for a known place outside the collective."""
    kind: PlaceKind = "commune"
    territory: str = ""
    """The display name of its intercommunality; "" for a place the configuration names."""


class Gazetteer:
    """Place names, by `place_key`, each to the places it may be.

    `places` are the official ones, `configured` those the configuration names (sites, and communes
    given to a member by hand), `other_names` other names of places, as (name, place): those of
    former or delegated communes, which stand for their current commune. An other name counts only
    where no place (official or configured) has that name: "Cours", a commune of Lot-et-Garonne, is
    not the Lot's Bellefont-La Rauze, of which it is a delegated commune. A configured place replaces
    every official place and other name of its key. A key may stand for several places: homonyms of
    two territories, or a commune of the collective and one outside it (outside places never decide,
    so the collective's wins; see `route`).
    """

    def __init__(
        self,
        places: Iterable[Place],
        configured: Iterable[Place] = (),
        other_names: Iterable[tuple[str, Place]] = (),
    ) -> None:
        index: dict[str, list[Place]] = {}
        for place in places:
            _add(index, place.name, place)
        others: dict[str, list[Place]] = {}
        for name, place in other_names:
            _add(others, name, place)
        for key, found in others.items():
            index.setdefault(key, found)
        chosen: dict[str, list[Place]] = {}
        for place in configured:
            _add(chosen, place.name, place)
        index.update(chosen)
        self._index = {key: tuple(found) for key, found in index.items()}
        self.longest = max((len(key.split()) for key in self._index), default=0)
        """The most words a known name has: how far `find_places` looks ahead."""

    def __len__(self) -> int:
        """How many names (keys) are known."""
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and place_key(name) in self._index

    def __iter__(self) -> Iterator[str]:
        """The known keys."""
        return iter(self._index)

    def lookup(self, name: str) -> tuple[Place, ...]:
        """The places a name (or its key) may be, in the order they were given; () when unknown."""
        return self._index.get(place_key(name), ())


def _add(index: dict[str, list[Place]], name: str, place: Place) -> None:
    key = place_key(name)
    if key:
        found = index.setdefault(key, [])
        if place not in found:
            found.append(place)


# -- the places a field names -------------------------------------------------------------------


def find_places(text: str | None, gazetteer: Gazetteer) -> list[tuple[str, tuple[Place, ...]]]:
    """The places a free-text place field names, in the order they appear, each with its text as
    written: `[("Rocamadour", (Place(...),)), ("Trucmuche", ())]`.

    The field is cut into pieces at `,` `;` `/` `+` `&` and line breaks, and at the words that join
    names (`french.PLACE_CONJUNCTIONS`: "et", "puis", "ou"; never inside a known name). Known names
    are found inside each piece as whole word sequences only ("Bach" is not in "Bachelier"), longest
    first and without overlapping: "séjour à Rocamadour" names Rocamadour. A piece in which no name
    is found is returned with no place, so that the caller can say which places are unknown.

    Some names are ordinary words: a piece that is wholly a known name names it whatever its case
    ("rocamadour", "figeac et bio"), but a name inside a longer piece only when written with a
    capital at its start as typed (accented or not: "Espère", "Échourgnac"), or when it has several
    words. "ferme bio à Figeac" and "j'espère voir Figeac" name Figeac alone; "séjour à Bio" names
    Bio; "séjour à saint cirq lapopie" names Saint-Cirq-Lapopie.
    """
    found: list[tuple[str, tuple[Place, ...]]] = []
    if not text:
        return found
    start = 0
    for separator in [*_PIECE_SEPARATORS.finditer(text), None]:
        end = separator.start() if separator else len(text)
        found += _piece(text, start, end, gazetteer)
        start = separator.end() if separator else end
    return found


def _piece(text: str, start: int, end: int, gazetteer: Gazetteer) -> list[tuple[str, tuple[Place, ...]]]:
    """The places one piece names (between `start` and `end` of `text`)."""
    words: list[str] = []
    spans: list[tuple[int, int]] = []  # where each word is written in `text`
    for first, last in _tokens(text, start, end):
        for word in place_key(text[first:last]).split():
            words.append(word)
            spans.append((first, last))
    conjunctions = set(french.PLACE_CONJUNCTIONS)
    joining = [_written(text, spans, i, i + 1).casefold() in conjunctions for i in range(len(words))]

    def counts(first: int, last: int) -> bool:
        """Whether the name `words[first:last]` names a place here (the capital rule)."""
        whole = (first == 0 or joining[first - 1]) and (last == len(words) or joining[last])
        return whole or last - first > 1 or text[spans[first][0]].isupper()

    matches = _matches(words, gazetteer, counts)
    inside = {i for first, last in matches for i in range(first, last)}
    found: list[tuple[str, tuple[Place, ...]]] = []
    segment: list[int] = []
    for i in [*range(len(words)), None]:
        joins = i is not None and joining[i]
        if i is not None and (not joins or i in inside):
            segment.append(i)
            continue
        named = [(first, last) for first, last in matches if segment and segment[0] <= first <= segment[-1]]
        for first, last in named:
            found.append((_written(text, spans, first, last), gazetteer._index[" ".join(words[first:last])]))
        if segment and not named:
            found.append((_written(text, spans, segment[0], segment[-1] + 1), ()))
        segment = []
    return found


def _tokens(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The spans of the words of `text[start:end]`, as written."""
    first = None
    for i in range(start, end):
        if _separates(text[i]):
            if first is not None:
                yield first, i
            first = None
        elif first is None:
            first = i
    if first is not None:
        yield first, end


def _matches(
    words: Sequence[str], gazetteer: Gazetteer, counts: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """The known names among `words` that `counts`, as (first, last + 1) word indexes: longest
    first, no overlap, in the order they appear."""
    candidates = [
        (first, first + size)
        for first in range(len(words))
        for size in range(1, min(gazetteer.longest, len(words) - first) + 1)
        if " ".join(words[first : first + size]) in gazetteer._index and counts(first, first + size)
    ]
    chosen: list[tuple[int, int]] = []
    taken: set[int] = set()
    for first, last in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if taken.isdisjoint(range(first, last)):
            chosen.append((first, last))
            taken.update(range(first, last))
    return sorted(chosen)


def _written(text: str, spans: Sequence[tuple[int, int]], first: int, last: int) -> str:
    return text[spans[first][0] : spans[last - 1][1]]


# -- routing -----------------------------------------------------------------------------------


class RoutingReason(enum.Enum):
    """Why a request goes (or does not go) to an office."""

    STAY = "stay"
    """The place of stay is in the suggested office's territory."""
    FIRST_PLACE = "first_place"
    """No place of stay of the collective: the first place of the collective among the wanted ones."""
    NO_KNOWN_PLACE = "no_known_place"
    """No place the gazetteer knows."""
    OUTSIDE_ONLY = "outside_only"
    """Only places outside the collective."""
    AMBIGUOUS = "ambiguous"
    """The deciding name is a place of two offices (`Routing.candidates`)."""


@dataclass(frozen=True)
class Routing:
    """Where a request should go, and what its places say."""

    suggested: str | None
    """The member id; None unless `because` is STAY or FIRST_PLACE."""
    because: RoutingReason
    place: Place | None = None
    """The deciding place (STAY, FIRST_PLACE)."""
    partners: tuple[str, ...] = ()
    """The other members named among the places, in order of first mention: days to buy from them."""
    unknown: tuple[str, ...] = ()
    """The pieces that name no known place, as written."""
    outside: tuple[str, ...] = ()
    """The known places named that are outside the collective, by their display names."""
    candidates: tuple[Place, ...] = ()
    """When AMBIGUOUS: the places of the collective the deciding name may be."""


def route(stay: str | None, wanted: str | None, gazetteer: Gazetteer) -> Routing:
    """The office a request goes to, from its place of stay and its wanted places (module docstring).

    A name that two offices share names no partner; one shared by a place of the collective and
    one outside it is the collective's.
    """
    stays, wishes = find_places(stay, gazetteer), find_places(wanted, gazetteer)
    decision: tuple[RoutingReason, tuple[Place, ...]] | None = None
    for reason, field in ((RoutingReason.STAY, stays), (RoutingReason.FIRST_PLACE, wishes)):
        ours = next((inside for _, places in field if (inside := _of_collective(places))), ())
        if ours:
            decision = reason, ours
            break
    members: list[str] = []
    unknown: list[str] = []
    outside: list[str] = []
    for written, places in stays + wishes:
        inside = _of_collective(places)
        owners = _unique(p.member for p in inside if p.member)
        if len(owners) == 1:
            members += owners
        elif not places:
            unknown.append(written)
        elif not inside:
            outside.append(places[0].name)
    named, unknowns, outsides = _unique(members), _unique(unknown), _unique(outside)
    if decision is None:
        because = RoutingReason.OUTSIDE_ONLY if outside else RoutingReason.NO_KNOWN_PLACE
        return Routing(None, because, None, named, unknowns, outsides)
    reason, inside = decision
    owners = _unique(p.member for p in inside if p.member)
    if len(owners) > 1:
        return Routing(None, RoutingReason.AMBIGUOUS, None, named, unknowns, outsides, inside)
    partners = tuple(m for m in named if m != owners[0])
    return Routing(owners[0], reason, inside[0], partners, unknowns, outsides)


def _of_collective(places: tuple[Place, ...]) -> tuple[Place, ...]:
    return tuple(p for p in places if p.member is not None)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def explain(routing: Routing) -> str:
    """Why, in French: "lieu de séjour : Rocamadour", "premier lieu souhaité : Figeac ; lieu inconnu :
    « Trucmuche »", "aucun lieu connu du collectif", "lieu hors du collectif : Sarlat-la-Canéda"."""
    reason = routing.because
    parts = []
    if routing.place and reason is RoutingReason.STAY:
        parts.append(french.ROUTING_STAY.format(place=routing.place.name))
    elif routing.place and reason is RoutingReason.FIRST_PLACE:
        parts.append(french.ROUTING_FIRST_PLACE.format(place=routing.place.name))
    elif reason is RoutingReason.AMBIGUOUS and routing.candidates:
        members = french.ROUTING_OR.join(_unique(p.member for p in routing.candidates if p.member))
        parts.append(french.ROUTING_AMBIGUOUS.format(place=routing.candidates[0].name, members=members))
    elif reason is RoutingReason.NO_KNOWN_PLACE:
        parts.append(french.ROUTING_NO_KNOWN_PLACE)
    if routing.outside:
        parts.append(_listed(french.ROUTING_OUTSIDE, routing.outside))
    if routing.unknown:
        parts.append(_listed(french.ROUTING_UNKNOWN, [french.QUOTED.format(u) for u in routing.unknown]))
    return french.ROUTING_SEPARATOR.join(parts)


def _listed(forms: tuple[str, str], names: Sequence[str]) -> str:
    one, many = forms
    return (one if len(names) == 1 else many).format(places=french.ROUTING_LIST.join(names))
