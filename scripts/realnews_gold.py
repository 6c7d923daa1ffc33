"""Turn a real-news gold file written with evidence strings into the committed form.

Annotators write the trigger and the evidence as exact substrings of the body (readable while
annotating); the repository keeps offsets instead, so no article text is committed:
`eval/realnews/*.gold.jsonl` lines are {id, text_sha256, events[{..., trigger: [start, end],
evidence: [[start, end], ...]}]}. A string that occurs more than once is located at its first
occurrence after the previous evidence of the same event, else its first occurrence.

    python scripts/realnews_gold.py /work/realnews/gold/dev.gold.jsonl eval/realnews/dev.gold.jsonl \\
        --texts ../realnews
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any


def bodies(texts: Path) -> dict[str, str]:
    out = {}
    for path in sorted(texts.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out[record["id"]] = record["body"]
    return out


def locate(body: str, needle: str, after: int = 0) -> list[int]:
    start = body.find(needle, after)
    if start < 0:
        start = body.find(needle)
    if start < 0:
        raise ValueError(f"not in the body: {needle!r}")
    return [start, start + len(needle)]


def to_offsets(line: dict[str, Any], body: str) -> dict[str, Any]:
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != line["text_sha256"]:
        raise ValueError(f"{line['id']}: the body differs from the annotated one")
    events = []
    for event in line["events"]:
        evidence, after = [], 0
        for text in event["evidence"]:
            span = locate(body, text, after)
            evidence.append(span)
            after = span[1]
        first = evidence[0][0] if evidence else 0
        events.append({**event, "trigger": locate(body, event["trigger"], max(0, first - 200)), "evidence": evidence})
    return {"id": line["id"], "text_sha256": line["text_sha256"], "events": events}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="gold with evidence strings")
    parser.add_argument("target", type=Path, help="gold with offsets (written)")
    parser.add_argument("--texts", type=Path, default=Path("../realnews"), help="folder of the article bodies")
    args = parser.parse_args(argv)
    texts = bodies(args.texts)
    lines = [json.loads(x) for x in args.source.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = [to_offsets(line, texts[line["id"]]) for line in lines]
    args.target.parent.mkdir(parents=True, exist_ok=True)
    args.target.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in out), encoding="utf-8")
    print(f"{len(out)} articles, {sum(len(x['events']) for x in out)} events -> {args.target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
