"""Rows kept in the order people put them in (a `position` field)."""

from django.db.models import Max


def next_position(queryset) -> int:
    """Return the position after the last one in `queryset` (1 for an empty one)."""
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1
