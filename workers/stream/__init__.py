"""Stream: the Faust app and its agents; thin wiring of topics and tables to the stages."""
