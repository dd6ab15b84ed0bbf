"""File downloads: the Content-Disposition that names a file for people and for old clients."""

from urllib.parse import quote

from django.http import HttpResponse


def attachment_disposition(filename: str, ascii_fallback: str) -> str:
    """Return a Content-Disposition value that saves the response as `filename` (RFC 6266).

    Browsers read the UTF-8 name (`filename*`, RFC 5987), so 「上里町_工程表_2023年度版.pdf」 reaches
    the user as typed; a client that does not understand it saves `ascii_fallback` instead.
    """
    fallback = "".join(c for c in ascii_fallback if c.isascii() and c.isprintable() and c not in '"\\')
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(content: bytes, content_type: str, *, filename: str, ascii_fallback: str) -> HttpResponse:
    """Return a response that downloads `content` under `filename` (see `attachment_disposition`)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename, ascii_fallback)
    return response
