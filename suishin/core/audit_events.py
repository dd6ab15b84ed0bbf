"""What the audit log screen calls each event, and how it shows the data an entry holds.

Each app registers the verbs it writes (`plan.update` → 施策の更新) and the keys of its entries'
data from its AppConfig.ready(), so a new app's events read in Japanese without touching this
module. An unknown verb or key is shown as its code, never hidden.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_stubs_ext import StrOrPromise

# Names are registered lazily (gettext_lazy) and turned into text when shown.
_event_names: dict[str, StrOrPromise] = {}
_field_labels: dict[str, StrOrPromise] = {}
_field_labels_by_verb: dict[str, dict[str, StrOrPromise]] = {}
_event_fields: set[str] = set()
_value_names: dict[str, dict[str, StrOrPromise]] = {}
_change_verbs: set[str] = set()
_list_fields: set[str] = set()


@dataclass(frozen=True)
class Detail:
    """One item of an entry's data: a value, or a change from `before` to `after`."""

    label: str
    value: str = ""
    before: str = ""
    after: str = ""
    is_change: bool = False


def register_audit_events(
    events: Mapping[str, StrOrPromise] | None = None,
    *,
    fields: Mapping[str, StrOrPromise] | None = None,
    fields_by_verb: Mapping[str, Mapping[str, StrOrPromise]] | None = None,
    values: Mapping[str, Mapping[str, StrOrPromise]] | None = None,
    change_verbs: Iterable[str] = (),
    list_fields: Iterable[str] = (),
    event_fields: Iterable[str] = (),
) -> None:
    """Register event names by verb, labels of data keys, and names of coded values by key.

    `fields_by_verb` labels keys whose meaning depends on the event (`title` is 計画名 in
    plan.update, 施策名 in measure.update). An entry of a verb in `change_verbs` holds
    {field: [before, after]}, except the keys in `list_fields`, whose value is a list of names (a
    measure's departments after the change). The values of `event_fields` are verbs themselves
    (the action a refusal was about) and are shown by event name.
    """
    _event_names.update(events or {})
    _field_labels.update(fields or {})
    for verb, labels in (fields_by_verb or {}).items():
        _field_labels_by_verb.setdefault(verb, {}).update(labels)
    _event_fields.update(event_fields)
    for key, names in (values or {}).items():
        _value_names.setdefault(key, {}).update(names)
    _change_verbs.update(change_verbs)
    _list_fields.update(list_fields)


def registered_verbs() -> set[str]:
    """Return every verb that has a name."""
    return set(_event_names)


def event_name(verb: str) -> str:
    """Return the Japanese name of `verb`, or the verb itself when no app named it."""
    name = _event_names.get(verb)
    return str(name) if name is not None else verb


def field_label(key: str, verb: str = "") -> str:
    """Return the label of a data key (in an entry of `verb`), or the key itself."""
    label = _field_labels_by_verb.get(verb, {}).get(key, _field_labels.get(key))
    return str(label) if label is not None else key


def format_value(key: str, value: object) -> str:
    """Return a stored value as text: coded values by name, lists joined, nothing as 「-」."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, list | tuple):
        return "、".join(format_value(key, item) for item in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if key in _event_fields:
        return event_name(str(value))
    names = _value_names.get(key)
    if names is not None and str(value) in names:
        return str(names[str(value)])
    return str(value)


def entry_details(verb: str, data: object) -> list[Detail]:
    """Return the items of an entry's data in the order stored, each labelled in Japanese."""
    if not isinstance(data, dict):
        return [Detail(label=_("内容"), value=format_value("", data))] if data else []
    details = []
    for key, value in data.items():
        if verb in _change_verbs and key not in _list_fields and isinstance(value, list) and len(value) == 2:
            details.append(
                Detail(
                    label=field_label(key, verb),
                    before=format_value(key, value[0]),
                    after=format_value(key, value[1]),
                    is_change=True,
                )
            )
        else:
            details.append(Detail(label=field_label(key, verb), value=format_value(key, value)))
    return details


register_audit_events(
    {
        "authorization.denied": _lazy("権限のない操作の拒否"),
        "job.start": _lazy("処理の開始"),
        "job.retried": _lazy("処理のやり直し"),
        "job.failed": _lazy("処理の失敗"),
        "job.view": _lazy("処理結果の閲覧"),
        "audit_log.view": _lazy("監査ログの閲覧"),
    },
    fields={
        "action": _lazy("操作"),
        "reason": _lazy("理由"),
        "target_type": _lazy("対象の種類"),
        "kind": _lazy("処理の種類"),
        "worker": _lazy("ワーカー"),
        "attempts": _lazy("試行回数"),
    },
    values={"reason": {"other_organization": _lazy("ほかの団体の対象")}},
    event_fields=["action"],
)
