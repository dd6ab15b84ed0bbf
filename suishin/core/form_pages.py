"""The pages every app shows the same way: a form that saves through a service, and a confirmation
before deleting. Templates: core/form_page.html and core/confirm_delete.html; an app passes the
template of its own navigation (`nav_template`) and whatever that navigation needs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's refusal (a stale version, a rule) on the form: an error about one of the form's
    fields beside that field, any other as a message of the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages_of_field in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_of_field)
    else:
        for message in error.messages:
            form.add_error(None, message)


def write_or_form_errors(form, write):
    """Run a service (`write()`); a ValidationError it raises becomes the form's error. Return its result, or
    None when it refused (the page is shown again with the message beside its field)."""
    try:
        return write()
    except ValidationError as error:
        form_errors_from(form, error)
        return None


def save_valid_form(request, form, save, *, success: str, then):
    """For a valid POST, call `save(**cleaned_data)`; on success flash `success` and redirect to `then`.

    A ValidationError from the service goes onto the form; None is returned whenever the form page
    should be shown again.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, success)
            return redirect(then)
    return None


def form_page(request, form, *, title: str, cancel_url: str, nav_template: str = "", delete=None, **context):
    """Render the shared form page; `delete` is (url name, object id) to offer a delete button."""
    context |= {"form": form, "title": title, "cancel_url": cancel_url, "nav_template": nav_template}
    if delete:
        context["delete_url"], context["delete_id"] = delete
    return render(request, "core/form_page.html", context)


def confirm_delete(
    request, *, what: str, cancel_url: str, nav_template: str = "", warning: str = "", blocked: str = "", **context
):
    """Ask before deleting: a GET of a delete URL shows this page, its POST deletes.

    `blocked` says why the object cannot be deleted: the page then offers no delete button.
    """
    context |= {
        "what": what,
        "cancel_url": cancel_url,
        "nav_template": nav_template,
        "warning": warning,
        "blocked": blocked,
    }
    return render(request, "core/confirm_delete.html", context)
