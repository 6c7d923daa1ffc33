"""Distance on the Earth's surface: the one great-circle formula every stage uses (place
resolution, consolidation, the subscription filters, the evaluations)."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # the mean radius


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))
