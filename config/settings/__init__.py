"""Settings modules: base (shared), local (`make run`), test, production."""


def production_values() -> dict:
    """Return the transport-security settings of production, for tests that check their effect."""
    return {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
