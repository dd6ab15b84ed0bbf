"""The 工程表 download is named as a person would name it, with an ASCII name for old clients."""

import datetime as dt
from urllib.parse import quote

from django.urls import reverse

from suishin.plans.tests.factories import decided_revision


def test_the_file_is_named_for_the_town_and_the_fiscal_year_of_its_latest_decided_revision(client, cast, plan):
    decided_revision(cast.town, plan, dt.date(2022, 6, 1))
    decided_revision(cast.town, plan, dt.date(2024, 3, 31))  # still FY2023
    client.force_login(cast.town.users["staff"])
    response = client.get(reverse("plans:roadmap_export", args=[plan.pk]))
    assert response.status_code == 200
    name = f"{cast.town.organization.name}_工程表_2023年度版.xlsx"
    code = cast.town.organization.local_government_code
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"roadmap-{code}-FY2023.xlsx\"; filename*=UTF-8''{quote(name)}"
    )


def test_before_any_decided_revision_the_file_names_the_plan_period(client, cast, plan):
    client.force_login(cast.town.users["staff"])
    disposition = client.get(reverse("plans:roadmap_export", args=[plan.pk]))["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(cast.town.organization.name + '_工程表_2021-2025年度.xlsx')}" in disposition
    assert disposition.isascii()
