"""The shared form and delete-confirmation pages (suishin.core.form_pages) with the plan's navigation."""

from suishin.core.form_pages import confirm_delete, form_page

NAV = "plans/_plan_nav.html"


def plan_form_page(request, form, *, plan, title, cancel_url, measure=None, delete=None):
    """Render the shared form page under the plan's navigation; `delete` is (url name, object id)."""
    return form_page(
        request, form, title=title, cancel_url=cancel_url, nav_template=NAV, delete=delete, plan=plan, measure=measure
    )


def plan_confirm_delete(request, *, plan, what, cancel_url, measure=None, warning="", blocked=""):
    """Ask before deleting something of the plan (see suishin.core.form_pages.confirm_delete)."""
    return confirm_delete(
        request,
        what=what,
        cancel_url=cancel_url,
        nav_template=NAV,
        warning=warning,
        blocked=blocked,
        plan=plan,
        measure=measure,
    )
