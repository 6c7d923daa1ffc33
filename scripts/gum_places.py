"""Build a gold file of place-name mentions from the GUM corpus, for `eventwire evaluate places`.

GUM (``amir-zeldes/gum``, CC BY) annotates every entity mention of its documents by type. A
gold toponym here is the name of a ``place`` mention headed by a proper noun, from the
mention's start to its head ("Athens", "the Acropolis", "Fort Lee"; "Groningen" of
"Groningen, in the Netherlands", which holds the second name "the Netherlands"; not "the city"
or "there", even when they refer to Athens); of two nested names the smaller one. The text of each document is
rebuilt from its sentences, one paragraph per ``# newpar``. GUM gives no coordinates, so the
file scores finding the mentions, not resolving them.

The WikiNews documents of GUM that are in the real-news held-out half are left out (``--exclude``
names that half's article file), so the file can be used while developing; so are the reddit
documents, whose words GUM masks.

    python scripts/gum_places.py GUM_GIT OUT.jsonl [--exclude ../realnews/heldout.jsonl]

Output lines: ``{"id", "genre", "text", "gold": {"toponyms": [{"text", "start", "end"}]}}``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realnews import GUM_COMMIT, list_snapshot_dir, read_snapshot_file  # noqa: E402

# "(5-place-new-...-Athens" opens mention 5 (")" right after it: and closes it on this
# token); "5)" closes mention 5. Parentheses inside a link are escaped (%28, %29).
_BRACKET = re.compile(r"\((\d+)-([a-z]+)[^()]*(\)?)|(\d+)\)")


def _url(url: str) -> str:
    return urllib.parse.unquote(url).strip().lower()


def _mentions(misc: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The entity mentions a token opens (id, type) and closes (id), from its MISC column."""
    entity = next((f[len("Entity=") :] for f in misc.split("|") if f.startswith("Entity=")), "")
    opened: list[tuple[str, str]] = []
    closed: list[str] = []
    for m in _BRACKET.finditer(entity):
        if m.group(1):
            opened.append((m.group(1), m.group(2)))
            if m.group(3):
                closed.append(m.group(1))
        else:
            closed.append(m.group(4))
    return opened, closed


def document(conllu: str) -> dict:
    """One GUM document: its text and its gold toponyms (character offsets into the text)."""
    text = ""
    tokens: list[dict] = []  # upos, head (index in `tokens`, -1 for the root), start, end
    open_mentions: dict[str, list[dict]] = {}  # id -> stack of open mentions
    spans: list[dict] = []
    sentence, pos, base, first = "", 0, 0, 0
    for line in conllu.splitlines():
        if line.startswith("# newpar") and not line.startswith("# newpar_"):
            if text:
                text += "\n\n"
        elif line.startswith("# text = "):
            sentence = line[len("# text = ") :]
            if text and not text.endswith("\n\n"):
                text += " "
            base, pos, first = len(text), 0, len(tokens)
            text += sentence
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            start = sentence.find(cols[1], pos)
            if start < 0:
                raise ValueError(f"token {cols[1]!r} not found in {sentence!r}")
            pos = start + len(cols[1])
            head = first + int(cols[6]) - 1 if cols[6] != "0" else -1
            tokens.append({"upos": cols[3], "head": head, "start": base + start, "end": base + pos})
            opened, closed = _mentions(cols[9])
            for ident, kind in opened:
                open_mentions.setdefault(ident, []).append({"type": kind, "first": len(tokens) - 1})
            for ident in closed:
                mention = open_mentions[ident].pop()
                mention["last"] = len(tokens) - 1
                spans.append(mention)
    names = {n for m in spans if m["type"] == "place" and (n := _name(m, tokens)) is not None}
    toponyms = [
        {"text": text[a:b], "start": a, "end": b}
        for a, b in sorted(names)
        # "New York City" holds the name "New York": the smaller one is the toponym
        if not any((c, d) != (a, b) and a <= c and d <= b for c, d in names)
    ]
    return {"text": text, "gold": {"toponyms": toponyms}}


def _name(mention: dict, tokens: list[dict]) -> tuple[int, int] | None:
    """The character span of a place mention's name, when its head (the token whose head
    lies outside it) is a proper noun: from its start to its head ("Old Athens", "the Gaza
    Strip"; "Groningen" of "Groningen, in the Netherlands"). None for "the hill of Acropolis"
    or "territory held by the Taliban"."""
    inside = range(mention["first"], mention["last"] + 1)
    head = next(i for i in inside if tokens[i]["head"] not in inside)
    if tokens[head]["upos"] != "PROPN":
        return None
    return tokens[mention["first"]]["start"], tokens[head]["end"]


def build(snapshot: Path, exclude: set[str]) -> list[dict]:
    """Every GUM document not in `exclude` (source URLs), as a gold record."""
    out = []
    for path in list_snapshot_dir(snapshot, GUM_COMMIT, "dep"):
        name = path.rsplit("/", 1)[1]
        if not name.startswith("GUM_") or not name.endswith(".conllu"):
            continue
        conllu = read_snapshot_file(snapshot, GUM_COMMIT, path)
        url = next(
            (line.split(" = ", 1)[1] for line in conllu.splitlines() if line.startswith("# meta::sourceURL")), ""
        )
        # GUM ships its reddit documents with every letter masked ("___ ____"): no text to read
        if _url(url) in exclude or name.startswith("GUM_reddit_"):
            continue
        genre = name.split("_")[1]
        out.append({"id": name[: -len(".conllu")], "genre": genre, **document(conllu)})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gum", type=Path, help="snapshot of amir-zeldes/gum (git directory or checkout)")
    parser.add_argument("out", type=Path, help="output JSON lines file")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="article file whose URLs to leave out"
    )
    args = parser.parse_args(argv)
    for path in args.exclude:
        if not path.is_file():
            parser.error(f"no such file: {path} (the held-out articles: scripts/realnews.py builds ../realnews first)")
    exclude = {
        _url(json.loads(line).get("url", ""))
        for path in args.exclude
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    records = build(args.gum, exclude)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{len(records)} documents, {sum(len(r['gold']['toponyms']) for r in records)} toponyms -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
