"""The staff part of the demo town: about 120 staff over its 17 departments, with ranks and heads.

Names are generated from common family and given names (no real person is meant); the same names
come out on every run. The demo users of the secretariat and the department are linked to a person.
"""

import datetime as dt
from typing import cast

from suishin.core.registry import DemoContext, Seeder
from suishin.tenants.models import Organization, Role
from suishin.tenants.services import system_actor

from .models import Person
from .services import person_create, person_link_user, ranks_create_defaults

FAMILY = [
    ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"), ("伊藤", "いとう"),
    ("渡辺", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"), ("小林", "こばやし"), ("加藤", "かとう"),
    ("吉田", "よしだ"), ("山田", "やまだ"), ("佐々木", "ささき"), ("山口", "やまぐち"), ("松本", "まつもと"),
    ("井上", "いのうえ"), ("木村", "きむら"), ("林", "はやし"), ("斎藤", "さいとう"), ("清水", "しみず"),
    ("新井", "あらい"), ("関口", "せきぐち"), ("茂木", "もてぎ"), ("飯塚", "いいづか"),
]  # fmt: skip
GIVEN = [
    ("健一", "けんいち"), ("誠", "まこと"), ("大輔", "だいすけ"), ("直樹", "なおき"), ("翔太", "しょうた"),
    ("拓也", "たくや"), ("和也", "かずや"), ("隆", "たかし"), ("美紀", "みき"), ("由美", "ゆみ"),
    ("恵", "めぐみ"), ("真由美", "まゆみ"), ("陽子", "ようこ"), ("彩", "あや"), ("優子", "ゆうこ"),
    ("智子", "ともこ"), ("亮", "りょう"), ("花子", "はなこ"), ("浩", "ひろし"), ("千尋", "ちひろ"),
]  # fmt: skip
# Headcount per department, in the order of the demo file (17 departments, 120 staff).
SIZES = [12, 10, 9, 11, 10, 8, 7, 8, 9, 7, 5, 3, 6, 6, 4, 2, 3]
STAFF_RANKS = ["主幹", "主査", "主任", "主事", "主事", "主任", "主査", "主事"]  # below the head, in turn
LEVEL = {"課長": 6, "主幹": 5, "主査": 4, "主任": 3, "主事": 2}


def seed_demo(context: DemoContext) -> None:
    town = cast(Organization, context.organization)  # load_demo passes the demo town
    actor = system_actor(town, Role.ADMIN)
    ranks = {r.name: r for r in ranks_create_defaults(actor=actor, organization=town)}
    departments = list(context.departments.values())
    number = 0
    people_of: dict[str, list[Person]] = {}
    for department, size in zip(departments, SIZES, strict=False):
        for i in range(size):
            family = FAMILY[(number * 7) % len(FAMILY)]
            given = GIVEN[(number * 11 + 3) % len(GIVEN)]
            rank = "課長" if i == 0 else STAFF_RANKS[(i - 1) % len(STAFF_RANKS)]
            person = person_create(
                actor=actor,
                organization=town,
                data={
                    "kind": Person.Kind.STAFF,
                    "name": f"{family[0]} {given[0]}",
                    "name_kana": f"{family[1]} {given[1]}",
                    "staff_number": f"{20001 + number}",
                    "department": department,
                    "rank": ranks[rank],
                    "job_level": LEVEL[rank],
                    "is_head": i == 0,
                },
                moved_on=dt.date(2023, 4, 1),
            )
            people_of.setdefault(department.name, []).append(person)
            number += 1
    # The demo logins of the secretariat and of 町民課 are people of the register.
    for role, department_name in ((Role.SECRETARIAT, "総合政策課"), (Role.DEPARTMENT, "町民課")):
        user, people = context.users.get(role), people_of.get(department_name)
        if user is not None and people:
            person_link_user(actor=actor, person=people[1], user=user)


DEMO_SEEDER = Seeder("staff", seed_demo, order=5)
