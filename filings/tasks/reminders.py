"""Tasks for reminders before visa applications."""

__all__: list[str] = []
