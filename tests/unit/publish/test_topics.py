"""Topic names under a prefix, as the commands take them from the user."""

from __future__ import annotations

from workers.publish.topics import Topics


def test_a_topic_named_on_the_command_line_gets_the_prefix_once() -> None:
    names = Topics("prod.")
    assert names.named("articles.duplicates") == "prod.articles.duplicates" == names.duplicates
    assert names.named("prod.articles.dlq") == "prod.articles.dlq"
    assert Topics().named("events") == "events"
