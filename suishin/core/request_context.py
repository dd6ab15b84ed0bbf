"""The client address of the request being served, for the audit log."""

import contextvars

_ip_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("ip_address", default=None)


def current_ip_address() -> str | None:
    """Return the client address of the current request, if any."""
    return _ip_address.get()


class RequestContextMiddleware:
    """Remember the client address while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _ip_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _ip_address.reset(token)
