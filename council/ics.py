"""iCalendar (RFC 5545) invitations for council meetings, written by hand: no dependency needed.

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1).
"""

import datetime

from django.conf import settings

PRODID = "-//METI//Council portal//JA"


def escape_text(value: str) -> str:
    """TEXT value escaping of RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold one content line into pieces of at most ``limit`` octets, never inside a character."""
    pieces: list[str] = []
    current = ""
    current_octets = 0
    for char in line:
        size = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        budget = limit if not pieces else limit - 1
        if current_octets + size > budget:
            pieces.append(current)
            current, current_octets = char, size
        else:
            current += char
            current_octets += size
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting, *, attendee_emails: list[str] | None = None, now: datetime.datetime | None = None) -> str:
    """The VCALENDAR with one VEVENT inviting to ``meeting`` (METHOD:REQUEST)."""
    now = now or datetime.datetime.now(datetime.UTC)
    starts_at = meeting.starts_at
    ends_at = meeting.ends_at or (starts_at + datetime.timedelta(hours=2) if starts_at else None)
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    location = meeting.place
    if meeting.online_url:
        location = f"{location} {meeting.online_url}".strip()
    description_lines = [meeting.title]
    for item in meeting.agenda_items.all():
        description_lines.append(f"{item.order}. {item.title}")
    url = f"{settings.SITE_URL.rstrip('/')}/council/meetings/{meeting.pk}/"
    description_lines.append(url)
    organizer = getattr(settings, "DEFAULT_FROM_EMAIL", "noreply@example.jp")
    if "<" in organizer:
        organizer = organizer.split("<", 1)[1].rstrip(">")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:council-meeting-{meeting.pk}@{domain}",
        f"DTSTAMP:{_utc(now)}",
    ]
    if starts_at:
        lines.append(f"DTSTART:{_utc(starts_at)}")
    if ends_at:
        lines.append(f"DTEND:{_utc(ends_at)}")
    lines += [
        f"SUMMARY:{escape_text(meeting.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description_lines))}",
        f"URL:{url}",
        f"ORGANIZER;CN={escape_text('協議・連絡会事務局')}:mailto:{organizer}",
    ]
    for email in attendee_emails or []:
        lines.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{email}")
    lines += ["SEQUENCE:0", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
