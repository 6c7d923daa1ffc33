"""Ingest: turn raw topic payloads into validated articles or dead letters."""
