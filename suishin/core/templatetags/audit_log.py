from django import template

from suishin.core.audit_events import entry_details, event_name

register = template.Library()


@register.filter(name="event_name")
def event_name_filter(verb):
    """`measure.update` → 「施策の更新」; an unknown verb as it is."""
    return event_name(str(verb or ""))


@register.filter
def audit_details(entry):
    """The entry's data as labelled values and before → after changes (no query)."""
    return entry_details(entry.verb, entry.data)
