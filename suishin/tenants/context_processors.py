def organization(request):
    """Give templates the acting user's actor object."""
    return {"actor": getattr(request, "actor", None)}
