"""A plan's levels: the names of the levels of items above its measures, and a structure read as a tree.

A plan has 0 to MAX_LEVELS levels (上里町: 重点取組事項; 神戸市: 柱 → 大項目 → 中項目); the measures (施策,
named per plan by `leaf_name`) hang under the items of the last level, or straight under the plan when it
has none. A structure (snapshots.py) keeps the same tree; revisions frozen before plans had levels hold
`priority_areas` instead, read here as one level named 重点取組事項.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DEFAULT_LEAF_NAME, DEFAULT_LEVEL_NAMES, MAX_LEVELS

LEVEL_NAME_LENGTH = 20


def check_level_names(names) -> list[str]:
    """Return the level names cleaned (trimmed, blanks dropped), or refuse too many, too long or repeated ones."""
    cleaned = [str(name).strip() for name in names or [] if str(name).strip()]
    if len(cleaned) > MAX_LEVELS:
        raise ValidationError({"level_names": _("階層は%(n)sつまでです。") % {"n": MAX_LEVELS}}, code="too_many_levels")
    for name in cleaned:
        if len(name) > LEVEL_NAME_LENGTH:
            raise ValidationError(
                {
                    "level_names": _("階層名「%(name)s」が長すぎます（%(n)s文字以内）。")
                    % {"name": name, "n": LEVEL_NAME_LENGTH}
                },
                code="level_name_too_long",
            )
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"level_names": _("同じ階層名が2回あります。")}, code="level_name_repeated")
    return cleaned


@dataclass
class Tree:
    level_names: list[str]
    leaf_name: str
    items: list[dict] = field(default_factory=list)  # top-level items, each with "items" and "measures"
    measures: list[dict] = field(default_factory=list)  # measures of a plan without levels


def structure_tree(structure: dict, default_level_names=DEFAULT_LEVEL_NAMES) -> Tree:
    """Read a structure (a snapshot, a template or the demo's data) as a tree of levels.

    A structure without `level_names` is named by `default_level_names` (the organization's default) when it
    has no items, and as one level of 重点取組事項 when it has items but no names (an older revision)."""
    items = structure.get("items")
    if items is None:
        items = structure.get("priority_areas", [])  # frozen before plans had levels
    names = structure.get("level_names")
    if names is None:
        names = list(DEFAULT_LEVEL_NAMES) if items else list(default_level_names)
    depth = _depth(items)
    if depth > len(names):
        names = [*names, *(_("階層%(n)s") % {"n": n} for n in range(len(names) + 1, depth + 1))]
    return Tree(
        level_names=list(names),
        leaf_name=structure.get("leaf_name") or DEFAULT_LEAF_NAME,
        items=list(items),
        measures=list(structure.get("measures", [])),
    )


def _depth(items: list[dict]) -> int:
    depth, level = 0, items
    while level:
        depth += 1
        level = [child for item in level for child in item.get("items", [])]
    return depth


def walk_items(items: list[dict], depth: int = 1):
    """Yield (item, depth, ancestors) of a structure's items, parents before their children."""
    stack = [(item, depth, ()) for item in reversed(items)]
    while stack:
        item, level, ancestors = stack.pop()
        yield item, level, ancestors
        stack.extend((child, level + 1, (*ancestors, item)) for child in reversed(item.get("items", [])))


def structure_measures(structure: dict):
    """Yield (measure, ancestors) of every measure of a structure, in plan order."""
    tree = structure_tree(structure)
    for measure in tree.measures:
        yield measure, ()
    for item, _level, ancestors in walk_items(tree.items):
        for measure in item.get("measures", []):
            yield measure, (*ancestors, item)
