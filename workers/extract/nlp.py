"""Loading the spaCy pipeline: once per process, shared by the agents, the CLI and the tests."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from workers.settings import Settings


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline named by `model` (a package name or a path), loaded once.

    Defaults to the `spacy_model` setting.
    """
    return spacy.load(model or Settings.from_env().spacy_model)
