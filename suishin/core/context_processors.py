from suishin.core.registry import menu_for


def shell(request):
    """Give the base template the menu entries of the acting user."""
    return {"menu": menu_for(getattr(request, "actor", None))}
