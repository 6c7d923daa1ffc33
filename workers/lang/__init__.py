"""Language data: the words of each language that the stages read by name, one module per
language (`en.py`), as spaCy keeps `lang/en/`. A second language is a new module here, not an
edit of every stage. Ingest (the language check) and extraction both read it, so it lives
beside the stages rather than inside one of them."""
