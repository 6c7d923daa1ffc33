"""CAMEO and PLOVER codes for eventwire's event types and subtypes.

The table lives in `data/event_codes.tsv`, one row per (type, subtype):

- `cameo`: the most specific CAMEO code that honestly fits the subtype (CAMEO 1.1b3:
  01 make public statement, 02 appeal, 05 cooperate diplomatically, 10 demand,
  11 disapprove, 12 reject, 13 threaten, 14 protest, 15 exhibit force posture,
  17 coerce, 18 assault, 19 fight, 20 unconventional mass violence).
- `plover`: the PLOVER category with its mode after a slash where PLOVER has one
  (the CAMEO-to-PLOVER mapping of 2021: FIGHT and ASSAULT are both ASSAULT; arrest and
  deportation are COERCE; CAMEO 02 and 10 are DEMAND; 11 is ACCUSE/disapprove).
  Plain statements, claims and denials (CAMEO 010, 015, 016) have no PLOVER category.
  The event record's `codes` carry category and mode apart: {cameo, plover, plover_mode},
  None where PLOVER has no category or no mode.
- `parent`: the subtype this one refines. Mentions of one event may disagree only along
  this tree, and the deeper subtype wins (a "bombing" that another mention calls a
  "suicide bombing" is a suicide bombing; a "shelling" is never an "airstrike").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workers.extract.tables import read_tsv

DATA = Path(__file__).resolve().parent / "data" / "event_codes.tsv"


@dataclass(frozen=True, slots=True)
class EventCode:
    type: str
    subtype: str
    parent: str  # "" for the root subtype of a type
    cameo: str
    plover: str  # "CATEGORY" or "CATEGORY/mode"; "" when PLOVER does not code it
    meaning: str

    def as_codes(self) -> dict[str, str | None]:
        """The event record's `codes`: PLOVER category and mode apart, None where PLOVER has none."""
        category, _, mode = self.plover.partition("/")
        return {"cameo": self.cameo, "plover": category or None, "plover_mode": mode or None}


@lru_cache(maxsize=1)
def code_table() -> dict[tuple[str, str], EventCode]:
    """Every known (type, subtype) and its codes, read once from the data table."""
    table: dict[tuple[str, str], EventCode] = {}
    for type_, subtype, parent, cameo, plover, mode, meaning in read_tsv(DATA, 7):
        table[(type_, subtype)] = EventCode(
            type_, subtype, parent, cameo, f"{plover}/{mode}" if plover and mode else plover, meaning
        )
    return table


@lru_cache(maxsize=1)
def event_types() -> tuple[str, ...]:
    """The event types, in the order the table first names them: topics, schema enums,
    metrics, filters and the live view's legend all follow this."""
    return tuple(dict.fromkeys(type_ for type_, _ in code_table()))


def codes_for(type_: str, subtype: str) -> dict[str, str | None]:
    """The {cameo, plover, plover_mode} codes of a subtype; raises KeyError for an unknown pair."""
    return code_table()[(type_, subtype)].as_codes()


def lineage(type_: str, subtype: str) -> list[str]:
    """The subtype and its ancestors, most specific first: suicide_bombing, bombing, attack."""
    table = code_table()
    out = [subtype]
    while table[(type_, out[-1])].parent:
        out.append(table[(type_, out[-1])].parent)
    return out


def specificity(type_: str, subtype: str) -> int:
    """Depth of a subtype in its type's tree (the root is 0)."""
    return len(lineage(type_, subtype)) - 1


def is_refinement(type_: str, general: str, specific: str) -> bool:
    """True when `specific` is `general` or one of its descendants."""
    return general in lineage(type_, specific)
