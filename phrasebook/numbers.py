"""Numbers and codes in typed answers, written one way: what a clerk types and what the deck says both pass here.

1000 = 1,000 = 1 000 (any space), 33mm = 33 mm, 9:00 = 9, "пять" = "five" = 5, "десять тысяч" = 10 000, and a
Russian keyboard's С in "зона С" = the Latin C the deck writes. After this a number is one token of digits, so
answers.score can hold any number added, dropped or changed to be wrong information, never a slip.
"""

from __future__ import annotations

import re

# A digit group with thousands separators (comma, space, no-break, thin or narrow space): joined to one number.
GROUPED = re.compile(r"(?<![\d.,])(\d{1,3})((?:[,\u00a0\u2009\u202f ]\d{3})+)(?![\d])")
SEPARATORS = re.compile(r"[,\u00a0\u2009\u202f ]")
WHOLE_HOUR = re.compile(r"(?<=\d):00(?!\d)")       # 9:00 = 9, 10:00 a.m. = 10 a.m.
UNIT_AFTER = re.compile(r"(?<=\d)(?=[^\W\d_])")     # 33mm = 33 mm, 10am = 10 am, 30일 = 30 일
# Cyrillic letters that look like Latin ones, read as Latin where they are a code: a letter standing alone
# (зона С, Area B) or right before digits (А052). Both sides get it, so the Russian "в"/"с" stay equal too.
LOOKALIKE = str.maketrans("авекмнорстух", "abekmhopctyx")
CODE = re.compile(r"(?<![^\W_])([авекмнорстух]{1,2})(?=\d)|(?<![^\W_])([авекмнорстух])(?![^\W_])")

EN_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
EN_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# Russian number words in the cases they are used in (stress marks and ё are gone before this).
RU_WORDS = {
    0: "ноль нуль", 1: "один одна одно одного одной одному одним одну одни одних одном", 2: "два две двух двум двумя",
    3: "три трех трем тремя", 4: "четыре четырех четырем четырьмя", 5: "пять пяти пятью", 6: "шесть шести шестью",
    7: "семь семи", 8: "восемь восьми восемью восьмью", 9: "девять девяти девятью", 10: "десять десяти десятью",
    11: "одиннадцать одиннадцати", 12: "двенадцать двенадцати", 13: "тринадцать тринадцати",
    14: "четырнадцать четырнадцати", 15: "пятнадцать пятнадцати", 16: "шестнадцать шестнадцати",
    17: "семнадцать семнадцати", 18: "восемнадцать восемнадцати", 19: "девятнадцать девятнадцати",
    20: "двадцать двадцати", 30: "тридцать тридцати", 40: "сорок сорока", 50: "пятьдесят пятидесяти",
    60: "шестьдесят шестидесяти", 70: "семьдесят семидесяти", 80: "восемьдесят восьмидесяти", 90: "девяносто девяноста",
    100: "сто ста", 200: "двести двухсот", 300: "триста трехсот", 400: "четыреста четырехсот", 500: "пятьсот пятисот",
    600: "шестьсот шестисот", 700: "семьсот семисот", 800: "восемьсот восьмисот", 900: "девятьсот девятисот",
}
VALUES = {
    "en": {w: i for i, w in enumerate(EN_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(EN_TENS)},
    "ru": {w: n for n, words in RU_WORDS.items() for w in words.split()},
}
MULTIPLIERS = {"en": {"hundred": 100, "thousand": 1000},
               "ru": dict.fromkeys(("тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячью", "тысячам",
                                     "тысячах"), 1000)}


def digits_first(text: str) -> str:
    """Separators out of grouped numbers, :00 off whole hours, units apart from their number, code letters Latin.
    Runs on casefolded text before punctuation becomes space (the separators are punctuation)."""
    text = GROUPED.sub(lambda m: m.group(1) + SEPARATORS.sub("", m.group(2)), text)
    text = WHOLE_HOUR.sub("", text)
    text = UNIT_AFTER.sub(" ", text)
    return CODE.sub(lambda m: m.group(0).translate(LOOKALIKE), text)


def words_to_digits(words: list[str], lang: str) -> list[str]:
    """Number words as digits, a run of them as one number: "twenty five" → 25, "две тысячи" → 2000,
    "10 тысяч" → 10000; "два три" (a range, два-три) stays two numbers."""
    values = VALUES.get(lang)
    if not values:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        end, number = _number_at(words, i, values, MULTIPLIERS[lang])
        out.append(words[i] if end == i else str(number))
        i = max(end, i + 1)
    return out


def _number_at(words: list[str], i: int, values: dict[str, int], multipliers: dict[str, int]) -> tuple[int, int]:
    """Where the number starting at words[i] ends, and its value (end == i: no number starts there). Each next
    word must fit below the last: hundreds, then tens, then a unit (сто двадцать пять), or multiply (thousand)."""
    total, current, room, j = 0, 0, 1000, i
    if words[i].isdigit() and i + 1 < len(words) and multipliers.get(words[i + 1]) == 1000:
        current, room, j = int(words[i]), 0, i + 1
    while j < len(words):
        word = words[j]
        if word in multipliers:
            times = multipliers[word]
            if times == 100 and current < 10:
                current, room = (current or 1) * 100, 100
            elif times == 1000 and not total:
                total, current, room = (current or 1) * 1000, 0, 1000
            else:
                break
        else:
            value = values.get(word)
            if value is None or value >= room or (value == 0 and j > i):
                break
            current += value
            room = 100 if value >= 100 else 10 if value >= 20 else 0
        j += 1
    return j, total + current
