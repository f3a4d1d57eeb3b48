"""The filings models, split by concern: the employer's records and confirmations (core), what
happens to a confirmation once submitted (submissions), and the reminders (reminders)."""

from .core import *  # noqa: F403
from .reminders import *  # noqa: F403
from .submissions import *  # noqa: F403
