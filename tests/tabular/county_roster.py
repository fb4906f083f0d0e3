"""A 卓资县 roster (花名册) shaped like the ones bureaus keep, as .xlsx and as a GBK .csv.

Title row over merged cells, a 填报单位 line, the real header spellings, 26 people (some
already at work, in Beijing, Hohhot or another province), a blank row in the middle, a 合计
row and a 制表人 footer. IDs carry the old 乌兰察布盟 code 152624 (older people) or the current
150921, some typed full-width, with a trailing space or a lowercase x; two were turned into
numbers by Excel. No county, expected-wage or destination column.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

from api.tabular.cells import EXCEL_EPOCH

HEADERS = ["序号", "姓名", "性别", "身份证号码", "民族", "文化程度", "联系电话", "乡镇(苏木)", "村", "是否脱贫户/监测户",
           "务工状态", "务工地点", "务工单位", "月收入", "外出务工时间", "培训意愿", "备注"]
OLD_ZHUOZI, ZHUOZI = "152624", "150921"
TITLE = "卓资县2026年农村劳动力转移就业花名册"


def valid_id(region: str, birth: date, seq: int, *, want_x: bool = False) -> str:
    """A valid number; with ``want_x`` the sequence is moved until the check character is X."""
    while True:
        body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if not want_x or number.endswith("X"):
            return number
        seq += 1


def serial(day: date) -> int:
    return (day - EXCEL_EPOCH).days


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@dataclass
class Person:
    name: str
    id_number: str  # the valid number
    cell: Any  # the ID cell as the roster holds it
    sex: str
    education: str
    phone: str | None
    poverty: str
    work: str
    place: str | None = None
    employer: str | None = None
    income: int | None = None
    start: date | None = None
    mangled: bool = False

    def values(self, seq: int, *, as_csv: bool) -> list[Any]:
        cell = self.cell
        if as_csv and isinstance(cell, float):
            cell = f"{cell:.5E}".replace("E+", "E+")  # what Excel writes: 1.50921E+17
        start: Any = None
        if self.start is not None:
            start = f"{self.start.year}年{self.start.month}月" if as_csv else serial(self.start)
        return [seq, self.name, self.sex, cell, "汉族" if seq % 3 else "蒙古族", self.education, self.phone,
                "卓资山镇" if seq % 2 else "旗下营镇", "东滩村" if seq % 2 else "十八台村", self.poverty, self.work,
                self.place, self.employer, self.income, start, training_wish(seq), remark(seq)]


def training_wish(seq: int) -> str:
    """培训意愿 as rosters fill it: 是/否, or the course someone wants."""
    return "电焊培训" if seq == 3 else "是" if seq % 4 == 0 else "否"


def remark(seq: int) -> str | None:
    return "长期在外，电话常换" if seq == 1 else None


def people() -> list[Person]:
    """26 rows; 24 importable (the two Excel numbers are refused)."""
    educations = ["半文盲", "文盲", "小学", "初中", "高中", "中专", "大专", "初中"]
    povertys = ["脱贫户", "监测户", "是", "否", "一般户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
    out: list[Person] = []
    for i in range(26):
        old = i % 2 == 0  # older people keep the 乌兰察布盟 code of when their number was issued
        birth = date(1968 + i % 10, 1 + i % 12, 3 + i) if old else date(1988 + i % 12, 1 + i % 12, 2 + i)
        seq = 100 + 2 * i + (1 if i % 3 else 0)  # odd sequence = male
        number = valid_id(OLD_ZHUOZI if old else ZHUOZI, birth, seq, want_x=i in (5, 17))
        sex = "男" if int(number[16]) % 2 else "女"
        cell: Any = number
        if i in (3, 11):
            cell = full_width(number)
        elif i in (4, 12):
            cell = number + "  "
        elif i in (5, 17):
            cell = number[:-1] + "x"
        phone = f"13{i % 9 + 1}{4712_0000 + i:08d}"
        if i in (7, 19):
            phone = full_width(phone)
        elif i in (8, 20):
            phone = None
        person = Person(f"{'王李张刘赵乌巴其'[i % 8]}{'秀兰桂英建国宝音图雅'[i % 10]}{'华明军'[i // 10]}", number, cell, sex,
                        educations[i % 8], phone, povertys[i % 8], "未务工")
        if i in (9, 21):
            person.cell, person.mangled = float(number[:-1] + "0"), True  # Excel kept 15 digits
        if i in (1, 6, 13):
            person.work, person.place, person.employer = "已务工", "北京市朝阳区", "北京望京物业管理有限公司"
            person.income, person.start = 5600, date(2026, 3, 1)
        elif i in (2, 14):
            person.work, person.place, person.employer = "区内务工", "呼和浩特市", "呼和浩特伊利乳业"
            person.income, person.start = 3800, date(2026, 5, 1)
        elif i == 10:
            person.work, person.place, person.employer = "区外务工", "浙江省宁波市", "宁波某电子厂"
            person.income = 4800  # no start date: recorded from the import day
        elif i == 15:
            person.work, person.employer = "县内务工", "卓资县帮扶车间"  # place from the status: home county
        elif i == 16:
            person.work = "已务工"  # employed, but nothing to record a job with
        out.append(person)
    return out


def _rows(persons: list[Person], *, as_csv: bool) -> list[list[Any]]:
    width = len(HEADERS)
    rows: list[list[Any]] = [[TITLE] + [None] * (width - 1),
                             ["填报单位：卓资县就业服务中心", None, None, None, None, None, None, None, None,
                              "填报日期：2026年11月30日"] + [None] * (width - 10),
                             list(HEADERS)]
    for n, person in enumerate(persons, start=1):
        rows.append(person.values(n, as_csv=as_csv))
        if n == 12:
            rows.append([None] * width)  # a blank row in the middle
    total = [None] * width
    total[0], total[13] = "合计", sum(p.income or 0 for p in persons)
    rows.append(total)
    rows.append(["制表人：李娜", None, None, None, "审核人：王强"] + [None] * (width - 5))
    return rows


def xlsx_bytes(persons: list[Person]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in _rows(persons, as_csv=False):
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gbk_csv_bytes(persons: list[Person]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in _rows(persons, as_csv=True):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("gbk")


def row_number(index: int) -> int:
    """The spreadsheet row of person ``index`` (three rows above the data, a blank after the 12th)."""
    return 4 + index + (1 if index >= 12 else 0)
