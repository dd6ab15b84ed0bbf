"""The town's own numbers of plan items and measures: proposals for new ones, and their uniqueness.

A number is what the town prints (「①」「(1)」「01-02」, or nothing). It is unique as a full path within
the plan: the numbers of an item's ancestors and its own, blanks left out (「① (1) ①」, 上里町's 「01-02」
under an unnumbered 重点取組事項). An item or measure without a number of its own is not checked.

A proposal follows what is there: the next number in the style of the siblings (「③」 after 「②」, 「(4)」
after 「(3)」, 「01-03」 after 「01-02」), or for a first child the style of its cousins, restarted under
its parent (Kobe's ① under each 中項目) or continued from the parent's number (「1-2-1」 under 「1-2」).
Under a parent without a number (上里町), a measure takes 「AA-NN」: its item's prefix as its measures
already carry it, else the item's position (see `_prefix_for`).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Measure, Plan, PlanItem

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
# A number's last counter and what stands around it: 「01-」「02」「」, 「(」「3」「)」, 「」「②」「」.
_COUNTER = re.compile(rf"^(?P<head>.*?)(?P<counter>[0-9０-９]+|[{CIRCLED}])(?P<tail>[^0-9０-９{CIRCLED}]*)$")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class NumberForm:
    head: str
    value: int
    tail: str
    width: int  # zero-padded to this many digits (「01」: 2); 0 for circled numbers
    full_width: bool = False

    def with_value(self, value: int, head: str | None = None) -> str:
        head = self.head if head is None else head
        if self.width == 0:
            counter = CIRCLED[value - 1] if 0 < value <= len(CIRCLED) else f"({value})"
        else:
            counter = f"{value:0{self.width}d}"
            if self.full_width:
                counter = counter.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return f"{head}{counter}{self.tail}"


def number_form(number: str) -> NumberForm | None:
    """Read a number's form, or None when it has no counter (「第一」, 「A」)."""
    match = _COUNTER.match(number or "")
    if not match:
        return None
    counter = match["counter"]
    if counter in CIRCLED:
        return NumberForm(match["head"], CIRCLED.index(counter) + 1, match["tail"], 0)
    digits = counter.translate(_FULL_WIDTH_DIGITS)
    width = len(counter) if counter.startswith(("0", "０")) else 1
    return NumberForm(match["head"], int(digits), match["tail"], width, full_width=digits != counter)


def next_in_style(siblings: list[str], cousins: list[str], parent_number: str) -> str:
    """Return the number a new child would take among `siblings`, given its `cousins` (children of other
    parents at the same level) and its parent's number; "" when nothing shows a style (上里町's 重点取組事項)."""
    forms = [f for f in map(number_form, siblings) if f is not None]
    if forms:
        last = max(forms, key=lambda f: f.value)
        taken = set(siblings)
        value = last.value + 1
        while last.with_value(value) in taken:
            value += 1
        return last.with_value(value)
    if any(siblings):
        return ""  # numbered in a way without a counter: the town types its own
    cousin_forms = [f for f in map(number_form, cousins) if f is not None]
    if cousin_forms:
        model = min(cousin_forms, key=lambda f: f.value)
        # 「1-2-1」 under 「1-2」: the cousins' numbers start with their parents'; otherwise restart (①, (1)).
        head = _continued_head(cousins, parent_number)
        return model.with_value(1, head=head)
    if parent_number:
        return f"{parent_number}-1"
    return ""


def _continued_head(cousins: list[str], parent_number: str) -> str | None:
    for cousin in cousins:
        form = number_form(cousin)
        if form and form.head.endswith("-") and parent_number:
            return f"{parent_number}-"
    return None


@dataclass
class Numbered:
    id: int
    parent_id: int | None
    number: str
    level: int
    position: int


@dataclass
class PlanNumbers:
    """A plan's items and measures by their numbers, read in two queries: proposes numbers and checks
    that a number is free as a full path. Proposals count as taken, so a batch (an import) stays unique."""

    items: dict[int, Numbered]
    measures: list[tuple[int, int | None, str]]  # (id, item id, number)
    taken_paths: Counter = field(default_factory=Counter)
    last_proposed: dict = field(default_factory=dict)  # item id -> the form of the last number proposed under it

    @classmethod
    def for_plan(cls, plan: Plan) -> "PlanNumbers":
        items = {
            pk: Numbered(pk, parent_id, number, level, position)
            for pk, parent_id, number, level, position in PlanItem.objects.for_organization(plan.organization_id)
            .filter(plan=plan)
            .values_list("pk", "parent_id", "number", "level", "position")
        }
        measures = list(
            Measure.objects.for_organization(plan.organization_id)
            .filter(plan=plan)
            .values_list("pk", "item_id", "number")
        )
        numbers = cls(items, measures)
        for item in items.values():
            if item.number:
                numbers.taken_paths[numbers.item_path(item.id)] += 1
        for _pk, item_id, number in measures:
            if number:
                numbers.taken_paths[numbers.path(item_id, number)] += 1
        return numbers

    # --- paths --------------------------------------------------------------------------------

    def item_path(self, item_id: int | None) -> tuple[str, ...]:
        """The non-blank numbers from the top down to the item, itself included."""
        numbers: list[str] = []
        seen = set()
        while item_id is not None and item_id in self.items and item_id not in seen:
            seen.add(item_id)
            node = self.items[item_id]
            if node.number:
                numbers.append(node.number)
            item_id = node.parent_id
        return tuple(reversed(numbers))

    def path(self, parent_id: int | None, number: str) -> tuple[str, ...]:
        return (*self.item_path(parent_id), number) if number else self.item_path(parent_id)

    def is_free(self, parent_id: int | None, number: str, *, own_path: tuple[str, ...] | None = None) -> bool:
        """Whether `number` under `parent_id` names nothing else in the plan (`own_path`: the path the
        object being renumbered holds now, which it may keep)."""
        if not number:
            return True
        path = self.path(parent_id, number)
        count = self.taken_paths[path] - (1 if own_path == path else 0)
        return count <= 0

    def repeated_paths(self) -> frozenset:
        return frozenset(self.duplicate_paths())

    def duplicate_paths(self) -> list[tuple[str, ...]]:
        """The full paths that name more than one item or measure (none, in a consistent plan)."""
        return sorted(path for path, count in self.taken_paths.items() if count > 1)

    def take(self, parent_id: int | None, number: str) -> None:
        if number:
            self.taken_paths[self.path(parent_id, number)] += 1

    # --- proposals ----------------------------------------------------------------------------

    def propose_item(self, parent_id: int | None, level: int) -> str:
        siblings = [n.number for n in self.items.values() if n.parent_id == parent_id and n.level == level]
        cousins = [n.number for n in self.items.values() if n.level == level and n.parent_id != parent_id]
        parent_number = self.items[parent_id].number if parent_id in self.items else ""
        number = next_in_style(siblings, cousins, parent_number)
        return self._free(parent_id, number)

    def propose_measure(self, item_id: int | None) -> str:
        last = self.last_proposed.get(item_id)
        if last is not None:
            # A batch (an import of many new measures under one item) continues from its last proposal: each
            # proposal costs a lookup, not a pass over the plan's measures.
            number = self._free(item_id, last.with_value(last.value + 1))
            self.measures.append((0, item_id, number))
            self._remember(item_id, number)
            return number
        siblings = [number for _pk, parent, number in self.measures if parent == item_id]
        parent = self.items.get(item_id) if item_id is not None else None
        if any(siblings):
            number = next_in_style(siblings, [], parent.number if parent else "")
        elif parent is not None and not parent.number:
            number = f"{self._prefix_for(parent)}-01"  # 上里町: 「AA-NN」 under an unnumbered 重点取組事項
        else:
            cousins = [number for _pk, other, number in self.measures if other != item_id]
            number = next_in_style([], cousins, parent.number if parent else "") or "1"
        number = self._free(item_id, number)
        self.measures.append((0, item_id, number))
        self._remember(item_id, number)
        return number

    def _remember(self, item_id: int | None, number: str) -> None:
        form = number_form(number)
        if form is not None:
            self.last_proposed[item_id] = form

    def _prefix_for(self, item: Numbered) -> str:
        """An unnumbered item's 「AA」: the one its measures carry most, or its position unless another item's
        measures use it, then the first such number no item uses."""
        own: Counter = Counter()
        used = set()
        for _pk, parent, number in self.measures:
            prefix = number.rpartition("-")[0]
            if not prefix:
                continue
            if parent == item.id:
                own[prefix] += 1
            else:
                used.add(prefix)
        if own:
            return own.most_common(1)[0][0]
        prefix, candidate = f"{item.position:02d}", 1
        while prefix in used:
            prefix, candidate = f"{candidate:02d}", candidate + 1
        return prefix

    def _free(self, parent_id: int | None, number: str) -> str:
        """Return `number`, or the next of its style that is free as a path, and count it as taken."""
        form = number_form(number)
        while number and not self.is_free(parent_id, number):
            if form is None:
                number = f"{number}-2"
                form = number_form(number)
                continue
            form = NumberForm(form.head, form.value + 1, form.tail, form.width, form.full_width)
            number = form.with_value(form.value)
        self.take(parent_id, number)
        return number


def path_text(numbers: tuple[str, ...] | list[str]) -> str:
    """A full path as printed: 「① (1) ① ②」."""
    return " ".join(n for n in numbers if n)


def check_no_repeated_paths(plan: Plan, field: str = "number", already: frozenset = frozenset()) -> None:
    """Refuse (and so roll back) a write after which a full path names two things: an item's new number or
    place changes the paths of everything below it. Paths that repeated before the write (`already`: data of
    an older version) do not stop a write that did not make them."""
    repeated = [path for path in PlanNumbers.for_plan(plan).duplicate_paths() if path not in already]
    if repeated:
        raise ValidationError(
            {field: _("番号「%(number)s」が重複します。") % {"number": path_text(repeated[0])}}, code="number_taken"
        )
