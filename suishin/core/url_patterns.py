"""URLs of many objects at once."""

from django.urls import reverse


def id_url(name: str):
    """Return a function giving the URL of pattern `name` for an object id, reversing only once.

    Long tables link every row; reversing once per page instead of once per row keeps them fast.
    """
    template = reverse(name, args=[987654321])
    head, tail = template.split("987654321")
    return lambda object_id: f"{head}{object_id}{tail}"
