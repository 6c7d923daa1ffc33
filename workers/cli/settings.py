"""`eventwire settings`: list every setting."""

from __future__ import annotations

import argparse

from workers.cli.common import (
    Add,
)
from workers.settings import Settings


def cmd_settings(args: argparse.Namespace) -> int:
    current = Settings.from_env().redacted()
    rows = [
        (env, str(value), default, doc) for (env, default, doc), value in zip(Settings.describe(), current.values())
    ]
    width = max(len(env) for env, *_ in rows)
    print(f"{'variable':<{width}}  {'in effect':<24}  {'default':<24}  meaning")
    for env, value, default, doc in rows:
        print(f"{env:<{width}}  {value or '(empty)':<24}  {default or '(empty)':<24}  {doc}")
    return 0


def register(add: Add) -> None:
    """The `settings` command and its options."""
    add("settings", cmd_settings, "list every setting: environment variable, default, meaning")
