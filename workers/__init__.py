"""eventwire: a Kafka-native news event extraction worker.

Stages, one folder each: `ingest` (validate), `dedup` (exact and near duplicates),
`extract` (events, places, dates), `publish` (routing to topics). They are pure Python;
`stream` wires them to Kafka with Faust agents; `cli` is the `eventwire` command.
"""
