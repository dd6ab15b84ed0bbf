"""Start-up checks (`manage.py check`, run by every management command and by the test suite)."""

import openpyxl.xml
from django.core import checks


@checks.register(checks.Tags.security)
def openpyxl_is_defused(app_configs, **kwargs):
    """openpyxl refuses XML bombs only when defusedxml is installed: Suishin never runs without it."""
    if openpyxl.xml.DEFUSEDXML:
        return []
    return [checks.Error("defusedxml is not installed, so openpyxl would expand XML entities.", id="suishin.E001")]
