"""People are listed in the order a Chinese reader expects: by the pinyin of their names, the first character read
as a surname (曾 zēng, 单 shàn, 解 xiè…), Latin names by their letters among them, ties by staff number — in the
store, the roster export, the CLI, reports, exam results and the TUI's login list."""

from __future__ import annotations

import csv
import random
from datetime import timedelta

import pytest

from phrasebook.cohorts import create_cohort, enrol, members
from phrasebook.exam_results import exam_results
from phrasebook.exams import create_exam
from phrasebook.people import create_person, list_people
from phrasebook.pinyin import name_key
from phrasebook.reports import build_report
from phrasebook.roster import export_roster, import_roster
from phrasebook.store import open_store
from phrasebook.tui.app import make_app

# (staff number, name) in the expected order. Code-point order would put 张 before 王 and 刘 before 李; pypinyin's
# everyday readings would put 曾 (céng) before 陈, 单 (dān) and 解 (jiě) before 李, 区 (qū) after 朴 (pǔ)…
ROSTER = [
    ("F07", "Anna Müller"),
    ("A12", "陈明"),
    ("F03", "John Smith"),
    ("A05", "黎明"),   # lí before lǐ
    ("A02", "李强"),   # li before liu
    ("A15", "刘洋"),
    ("A09", "陆毅"),   # lu, lü, luo as the dictionary has them
    ("A11", "吕红"),
    ("A01", "罗兰"),
    ("A18", "区建华"),  # ōu
    ("A04", "欧阳娜娜"),
    ("A16", "朴明秀"),  # piáo
    ("A08", "覃海洋"),  # qín
    ("A13", "仇英"),    # qiú
    ("A03", "单田芳"),  # shàn
    ("A14", "王芳"),
    ("A06", "解晓东"),  # xiè
    ("A17", "曾志伟"),  # zēng
    ("A10", "张伟"),    # two of one name: by staff number
    ("A19", "张伟"),
]
ORDER = [staff_no for staff_no, _ in ROSTER]


def shuffled() -> list[tuple[str, str]]:
    rows = list(ROSTER)
    random.Random(7).shuffle(rows)
    return rows


def add_all(store) -> None:
    for staff_no, name in shuffled():
        create_person(store, name=name, staff_no=staff_no, department="综合窗口")


@pytest.mark.parametrize(("name", "start"), [
    ("曾志伟", "zeng01 zhi04"), ("单田芳", "shan04 tian02"), ("解晓东", "xie04 xiao03"), ("仇英", "qiu02 ying01"),
    ("区建华", "ou01 jian04"), ("朴明秀", "piao02 ming02"), ("覃海洋", "qin02 hai03"), ("欧阳娜娜", "ou01 yang02 na04"),
    ("吕红", "lu13 hong02"), ("王单", "wang02 dan01"),  # only the first character is read as a surname
    ("Émile  Zola", "emile zola"), ("ＡＢＣ", "abc"),
])
def test_name_key_reads_the_surname_as_a_surname(name, start):
    assert name_key(name).startswith(start)


def test_store_lists_people_in_pinyin_order(mini_store):
    add_all(mini_store)
    assert [p.staff_no for p in list_people(mini_store)] == ORDER


def test_roster_import_members_export_and_report_in_pinyin_order(mini_store, clock, tmp_path):
    trainer = create_person(mini_store, name="周老师", staff_no="T1", role="trainer")
    cohort = create_cohort(mini_store, name="第12期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=trainer,
                           now=clock())
    roster = tmp_path / "名单.csv"
    roster.write_text("工号,姓名\n" + "".join(f"{s},{n}\n" for s, n in shuffled()), encoding="utf-8-sig")
    import_roster(mini_store, roster, cohort=cohort, now=clock())
    assert [m.person.staff_no for m in members(mini_store, cohort)] == ORDER
    out = tmp_path / "导出.csv"
    export_roster(mini_store, out, cohort=cohort)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert [row[0] for row in csv.reader(fh)][1:] == ORDER
    assert [r.staff_no for r in build_report(mini_store, now=clock(), cohort=cohort).trainees] == ORDER


def test_a_rename_by_roster_moves_the_person(mini_store, clock, tmp_path):
    add_all(mini_store)
    roster = tmp_path / "r.csv"
    roster.write_text("工号,姓名\nF07,Zoe Müller\n", encoding="utf-8-sig")  # Anna married, say
    import_roster(mini_store, roster, now=clock())
    assert [p.staff_no for p in list_people(mini_store)] == [*ORDER[1:], "F07"]


def test_cli_trainee_list_in_pinyin_order(run):
    for staff_no, name in shuffled():
        assert run("trainee", "add", staff_no, name).exit_code == 0
    out = run("trainee", "list").output
    listed = [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0] in ORDER]
    assert listed == ORDER


def test_exam_results_per_trainee_in_pinyin_order(real_db, clock):
    store = open_store(real_db)
    trainer = create_person(store, name="周老师", staff_no="T1", role="trainer")
    cohort = create_cohort(store, name="第12期", starts_on="2026-11-01", ends_on="2026-12-31", trainer=trainer,
                           now=clock())
    add_all(store)
    enrol(store, cohort, list_people(store, role="trainee")[::-1], now=clock())
    exam = create_exam(store, cohort=cohort, now=clock(), title="英语考核", decks=["greeting"], langs=["en"],
                       modes=["choice"], items=4, minutes=10, pass_mark="60%", opens=clock() - timedelta(hours=1),
                       closes=clock() + timedelta(days=1))
    assert [r.staff_no for r in exam_results(store, exam, now=clock()).trainees] == ORDER
    store.close()


async def test_login_list_in_pinyin_order(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    create_person(app.store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")  # 刘 between 李 and 陆
    add_all(app.store)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        listed = app.screen.query_one("#people")
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        staff = {str(p.id): p.staff_no for p in list_people(app.store)}
        assert [staff[i] for i in ids] == [*ORDER[:6], "K1", *ORDER[6:]]
        assert "曾志伟" in str(listed.get_option_at_index(len(ids) - 3).prompt)
