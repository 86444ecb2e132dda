"""Pronunciation aids on real deck lines: romaji with particles read as spoken, Korean with nasal assimilation."""

from __future__ import annotations

import pytest

from phrasebook.romanize import romanize


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("ja", "こんにちは。今日はどのようなご用件ですか。", "Konnichiwa. kyou wa dono you na goyouken desu ka."),
    ("ja", "外国人就労許可証をお持ちですか？", "Gaikokujin shuurou kyokashou wo omochi desu ka?"),
    ("ja", "パスポートを見せてください。", "Pasupooto wo misete kudasai."),
    ("ko", "안녕하십니까? 어떤 업무로 오셨습니까?", "annyeonghasimnikka? eotteon eommuro osyeotseumnikka?"),
    ("ko", "여권을 보여 주십시오.", "yeogwoneul boyeo jusipsio."),
    ("ko", "감사합니다.", "gamsahamnida."),
    ("ko", "휴대폰 번호를 알려 주십시오.", "hyudaepon beonhoreul allyeo jusipsio."),  # ㄹ+ㄹ: ll, not lr
    ("ko", "학력", "hangnyeok"),  # ㄹ after a stop is n, and the stop nasalises
    ("ko", "경력", "gyeongnyeok"),
    ("ko", "신라", "silla"),
    ("ko", "부족한 서류", "bujokan seoryu"),  # ㄱ+하: one aspirate k
    ("ko", "예약해야 돼요?", "yeyakaeya dwaeyo?"),
    ("ko", "적혀 있습니다", "jeokyeo itseumnida"),  # the passive 혀 too
    ("ko", "입학", "iphak"),  # a noun keeps its h (Revised Romanization)
    ("ko", "외국인 취업허가증", "oegugin chwieopheogajeung"),
    ("ko", "괜찮습니다", "gwaenchanseumnida"),  # ㅎ before ㅅ is silent; the tensing is not written
    ("ko", "똑같이", "ttokgachi"),  # ㅌ+이 palatalises
    ("ko", "굳이", "guji"),
    ("ko", "닫히다", "dachida"),
    ("ko", "중국어를 잘 못해서요", "junggugeoreul jal motaeseoyo"),  # ㅅ+ㅎ too
    ("ko", "12345 핫라인", "12345 hannain"),  # ㄷ-type final before ㄹ: n-n
    ("ko", "지하철역 있어요?", "jihacheollyeok isseoyo?"),  # ㄴ-insertion, from decks/_romaji.toml [hangul]
    ("ru", "Здра́вствуйте!", None),
    ("en", "Hello!", None),
])
def test_romanize(lang, text, expected):
    assert romanize(lang, text) == expected
