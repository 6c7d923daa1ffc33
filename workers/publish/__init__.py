"""Publish: which topic and key each output record goes to."""
