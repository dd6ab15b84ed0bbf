from django.utils.translation import gettext as _

from suishin.core.registry import menu_for


def shell(request):
    """Give the base template the menu entries and the header's label of the acting user."""
    actor = getattr(request, "actor", None)
    return {"menu": menu_for(actor), "user_label": user_label(getattr(request, "user", None), actor)}


def user_label(user, actor) -> str:
    """Return 「山田 太郎（事務局）」: the user's name and roles, a role the name already says left out.

    A name such as 「事務局（総合政策課）」 already says the role; 「事務局（総合政策課）（事務局）」 would repeat it.
    """
    if user is None or not user.is_authenticated:
        return ""
    name = user.get_full_name() or user.username
    roles = [str(label) for label in (actor.role_labels if actor else []) if str(label) not in name]
    if not roles:
        return name
    return _("%(name)s（%(roles)s）") % {"name": name, "roles": "・".join(roles)}
