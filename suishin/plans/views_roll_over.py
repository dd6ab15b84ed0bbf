"""Starting the next plan from this one (roll-over), and the report of what it carried."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suishin.core.form_pages import form_errors_from
from suishin.tenants.access import require_actor

from . import services
from .access import access_plan, require_plan_editor
from .forms import PlanRollOverForm
from .snapshots import level_label


@login_required
def plan_roll_over(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan.roll_over", plan)
    length = plan.end_fy - plan.start_fy
    initial = {"title": plan.title, "start_fy": plan.end_fy + 1, "end_fy": plan.end_fy + 1 + length}
    form = PlanRollOverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new_plan = services.plan_roll_over(actor=actor, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("計画「%(title)s」を作りました。") % {"title": new_plan.title})
            return redirect(new_plan)
    status = 400 if request.method == "POST" else 200
    carried = "、".join(map(level_label, [*plan.level_names, plan.leaf_name]))  # 「柱、大項目、中項目、個別項目」
    return render(request, "plans/plan_roll_over.html", {"plan": plan, "form": form, "carried": carried}, status=status)


@login_required
@require_POST
def carry_report_dismiss(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan.carry_report_dismiss", plan)
    services.plan_carry_report_dismiss(actor=actor, plan=plan)
    messages.success(request, _("引き継ぎの報告を閉じました。監査ログには残っています。"))
    return redirect(plan)
