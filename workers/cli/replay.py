"""`eventwire replay`: re-run a time window of the input topic, or rewind the live group."""

from __future__ import annotations

import argparse
import signal
import sys

from workers.cli.common import (
    Add,
    connection_settings,
    jobs_flag,
)


def _part(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"{text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(k), int(n)


def _is_age(text: str | None) -> bool:
    """Whether a --from/--to value is an age ("2h", "7d"), which means another time at every run."""
    return text is not None and text.strip()[-1:].lower() in ("s", "m", "h", "d", "w") and text.strip()[:1].isdigit()


def cmd_replay(args: argparse.Namespace) -> int:
    from workers.publish.filters import FilterError, parse_since
    from workers.replay import Replay, ReplayError, print_progress, reset_group

    settings = connection_settings(args)
    try:
        if args.reset_group:
            when = parse_since(args.to_datetime)
            if when is None:
                raise FilterError("--reset-group needs --to-datetime T")
            offsets = reset_group(settings, when, args.source)
            print(
                f"group {settings.app_id!r} rewound to {when.isoformat()}: "
                + ", ".join(f"p{p}@{o}" for p, o in sorted(offsets.items()))
            )
            return 0
        since = parse_since(args.since, name="--from")
        if since is None:
            raise FilterError("replay needs --from T1")
        until = parse_since(args.until, name="--to")
        replay = Replay(
            settings,
            since=since,
            until=until,
            topic=args.source,
            output_prefix=args.output_prefix,
            group=args.group,
            batch=args.batch,
            new=args.new,
            part=args.part,
        )
    except (FilterError, ReplayError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Ctrl-C or SIGTERM: finish and commit the batch in flight, then stop (a re-run resumes).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: setattr(replay, "interrupted", True))
    state = replay.run(print_progress)
    if state.complete_before:
        print(
            f"{state.line()}: this window's plan (group {replay.group}) is already complete; nothing was "
            "replayed. Records that arrived since it was planned are not in it: add --new to plan the "
            "window again",
            file=sys.stderr,
        )
        return 0
    if replay.interrupted and state.done < state.total:
        if _is_age(args.since) or _is_age(args.until):
            # an age is resolved when the command runs: the window to resume is the one resolved now
            window = f"--from {since.isoformat()}" + (f" --to {until.isoformat()}" if until else "")
            print(
                f"\ninterrupted; to resume, run it again with {window} in place of the ages (group {replay.group})",
                file=sys.stderr,
            )
        else:
            print(f"\ninterrupted; run the same command again to resume (group {replay.group})", file=sys.stderr)
        return 130
    print(f"\n{state.line()} done (group {replay.group})", file=sys.stderr)
    return 0


def register(add: Add) -> None:
    """The `replay` command and its options."""
    p = add(
        "replay",
        cmd_replay,
        "re-run a time window of the input topic through the pipeline, or rewind the live worker's group",
        connection=True,
    )
    p.add_argument("--from", dest="since", metavar="T1", help="start: RFC 3339 time, an age (2h, 7d) or 'beginning'")
    p.add_argument("--to", dest="until", metavar="T2", help="end (exclusive); default: the end when the replay starts")
    p.add_argument("--topic", dest="source", help="source topic, under the topic prefix (default: the articles topic)")
    p.add_argument("--output-prefix", default="", help="publish events under this prefix instead of the live topics")
    p.add_argument("--group", help="consumer group of the replay's progress (default: derived from the window)")
    p.add_argument("--batch", type=int, default=64, help="records per batch and per progress commit (default: 64)")
    p.add_argument(
        "--new",
        action="store_true",
        help="plan the window again (its end is now) instead of resuming the plan of a previous run",
    )
    jobs_flag(p, "events and ids do not depend on it")
    p.add_argument(
        "--part",
        type=_part,
        default=(1, 1),
        metavar="K/N",
        help="replay the K-th of N disjoint sets of partitions; N processes (any machines) with "
        "K = 1..N and the same window (--to needed) give exactly the events of one",
    )
    p.add_argument(
        "--reset-group",
        action="store_true",
        help="instead of replaying, rewind the live worker's group (refused while it has members)",
    )
    p.add_argument("--to-datetime", metavar="T", help="with --reset-group: the time to rewind to")
    p.add_argument("--app-id", help="with --reset-group: the worker's group (EVENTWIRE_APP_ID)")
