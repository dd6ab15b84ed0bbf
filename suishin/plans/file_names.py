"""The names of the 工程表 files (Excel and PDF), as a person would give them, with ASCII fallbacks."""

import re

from django.utils.translation import gettext as _

from suishin.core.fiscal_year import fiscal_year_of

# Characters Windows or macOS refuse in a file name, and control characters: each becomes 「_」.
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def file_name_safe(name: str) -> str:
    return UNSAFE_IN_FILE_NAME.sub("_", name).strip(" .")


def roadmap_file_names(plan, extension: str, department=None) -> tuple[str, str]:
    """Return 「上里町_工程表_2023年度版.xlsx」 (the fiscal year of the latest decided revision; before the
    first, the plan's period: 「上里町_工程表_2021-2025年度.xlsx」) and an ASCII name for old clients.

    `plan` comes from `access_plan`, which carries `latest_edition_on`; a department filter is named too.
    """
    code = plan.organization.local_government_code
    edition_on = getattr(plan, "latest_edition_on", None)
    if edition_on:
        year = fiscal_year_of(edition_on)
        name = _("%(organization)s_工程表_%(year)s年度版") % {"organization": plan.organization.name, "year": year}
        ascii_name = f"roadmap-{code}-FY{year}"
    else:
        period = f"{plan.start_fy}-{plan.end_fy}"
        name = _("%(organization)s_工程表_%(period)s年度") % {"organization": plan.organization.name, "period": period}
        ascii_name = f"roadmap-{code}-FY{period}"
    if department is not None:
        name += f"_{department.name}"
        ascii_name += f"-{department.pk}"
    return f"{file_name_safe(name)}.{extension}", f"{ascii_name}.{extension}"
