"""Evaluation of the extraction stage against annotated text (`eventwire evaluate`)."""
