"""Internals of the place geocoder: the gazetteer (`gazetteer`) and name matching (`text`).

The public API is `workers.extract.places`.
"""
