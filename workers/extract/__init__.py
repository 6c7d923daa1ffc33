"""Extract: events with a geocoded location and a normalized date, from article text."""
