"""The Jinja2 environment, used for the few partials rendered for every row of a large table
(the 工程表 and the plan overview): Jinja2 compiles templates to Python and renders them several
times faster than Django's engine. Pages themselves stay Django templates."""

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from jinja2 import Environment, StrictUndefined

from suishin.core.wareki import fiscal_year_label


def environment(**options) -> Environment:
    options.setdefault("undefined", StrictUndefined)
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(url=lambda name, *args: reverse(name, args=args), fy_label=fiscal_year_label)
    env.filters.update(linebreaksbr=linebreaksbr)
    return env
