"""Reminders: what the apps' providers say is due, delivered at most once per item, recipient and day."""

import logging
from dataclasses import dataclass
from datetime import date

from suishin.core import registry

from .delivery import deliver, reminder_key

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    stored: int = 0  # notices stored (and queued for mail) now
    failed_providers: int = 0


def send_reminders(day: date) -> ReminderRun:
    """Deliver every provider's deadline notices for `day`; safe to run any number of times that day.

    A provider that fails is logged and counted, and the others still run.
    """
    run = ReminderRun()
    for provider in list(registry.reminder_providers):
        try:
            for notice in provider(day):
                if notice.kind != "deadline":
                    raise ValueError(f"a reminder is a deadline notice, not {notice.kind!r} ({notice.verb})")
                run.stored += len(deliver(notice, once_key=reminder_key(notice, day)))
        except Exception:
            # What it delivered before failing stays delivered: the next run skips those.
            logger.exception("reminder provider %r failed", provider)
            run.failed_providers += 1
    return run
