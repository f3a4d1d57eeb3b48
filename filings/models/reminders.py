"""Reminders before visa applications: the windows and the record of each reminder sent."""

__all__: list[str] = []
