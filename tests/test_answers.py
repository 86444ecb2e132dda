"""Typed answers on the real deck phrases: what normalising forgives, what scoring calls right/almost/wrong."""

from __future__ import annotations

import pytest

from phrasebook import paths
from phrasebook.answers import Outcome, normalise, score, word_diff
from phrasebook.decks import load_decks
from phrasebook.scheduler import AGAIN, GOOD, HARD

DECKS = load_decks(paths.decks_dir())
PHRASES = {p.id: p for d in DECKS for p in d.phrases}


def tr(phrase_id: str, lang: str) -> str:
    return PHRASES[phrase_id].translations[lang]


def alts(phrase_id: str, lang: str) -> tuple[str, ...]:
    return PHRASES[phrase_id].alternatives.get(lang, ())


@pytest.mark.parametrize(("typed", "expected", "lang"), [
    ("hello! how can i help you today", "Hello! How can I help you today?", "en"),          # case, punctuation
    ("Ｈｅｌｌｏ！　How can I help you today？", "Hello! How can I help you today?", "en"),  # full-width
    ("Hello!   How can I   help you today?", "Hello! How can I help you today?", "en"),     # spacing
    ("I’ll check the originals", "I'll check the originals", "en"),                          # curly apostrophe
    ("I will check the originals", "I'll check the originals", "en"),                        # contraction
    ("We cannot accept it", "We can't accept it", "en"),
    ("We can not accept it", "We can't accept it", "en"),
    ("I am sorry", "I'm sorry", "en"),
    ("It is free to use", "It's free to use", "en"),
    ("You do not need to", "You don't need to", "en"),
    ("Здравствуйте! Чем могу помочь?", "Здра́вствуйте! Чем могу́ помо́чь?", "ru"),             # stress marks
    ("Вы ещё не записаны", "Вы еще не записаны", "ru"),                                       # ё = е
    ("ЗДРАВСТВУЙТЕ, чем могу помочь", "Здра́вствуйте! Чем могу́ помо́чь?", "ru"),
    ("こんにちは 今日は どのような ご用件ですか", "こんにちは。今日はどのようなご用件ですか。", "ja"),  # spaces
])
def test_normalise_forgives_form(typed, expected, lang):
    assert normalise(typed, lang) == normalise(expected, lang)


def test_normalise_keeps_meaning():
    assert normalise("It's the company's seal", "en") == "it is the companys seal"  # possessive stays a noun
    assert normalise("по-китайски", "ru") != normalise("по-английски", "ru")
    assert normalise("й", "ru") == "й"  # only stress marks go, not the breve of й


def test_every_deck_phrase_scores_right_against_itself_and_its_alternatives():
    for phrase in PHRASES.values():
        for lang, text in phrase.translations.items():
            assert score(text, text, lang, alts(phrase.id, lang)).outcome is Outcome.RIGHT
            for alt in alts(phrase.id, lang):
                result = score(alt, text, lang, alts(phrase.id, lang))
                assert result.outcome is Outcome.RIGHT and result.matched in (alt, text)


def test_british_and_american_spellings_are_accepted_from_the_deck():
    licence = [p for p in PHRASES.values() if "licence" in p.translations.get("en", "")
               and any("license" in a for a in alts(p.id, "en"))]
    assert licence, "the business deck lists licence/license alternatives"
    for phrase in licence:
        american = next(a for a in alts(phrase.id, "en") if "license" in a)
        assert score(american, phrase.translations["en"], "en", alts(phrase.id, "en")).outcome is Outcome.RIGHT
        # …but only because the deck lists it: without the alternative it is a slip, shown in the diff
        slip = score(american, phrase.translations["en"], "en")
        assert slip.outcome is Outcome.ALMOST
        wrong = [(d.typed, d.expected) for d in slip.diff if d.kind == "wrong"]
        assert wrong and all("license" in typed and "licence" in expected for typed, expected in wrong), wrong


def test_stressless_russian_from_the_decks_is_right():
    russian = [p for p in PHRASES.values() if "\u0301" in p.translations.get("ru", "")]
    assert len(russian) > 300
    for phrase in russian:
        typed = phrase.translations["ru"].replace("\u0301", "").lower().rstrip(".?!")
        assert score(typed, phrase.translations["ru"], "ru").outcome is Outcome.RIGHT


def test_a_misspelling_is_almost_with_a_word_diff():
    expected = tr("greeting-001", "en")  # Hello! How can I help you today?
    result = score("Hello! How can I hlep you?", expected, "en", alts("greeting-001", "en"))
    assert result.outcome is Outcome.ALMOST and result.grade == HARD and result.points == 0.5
    assert result.matched == expected
    kinds = [(p.kind, p.typed, p.expected) for p in result.diff]
    assert ("wrong", "hlep", "help") in kinds
    assert ("missing", "", "today?") in kinds
    assert "".join(p.expected for p in result.diff if p.kind == "equal").startswith("Hello!")


def test_russian_slip_diff_shows_the_deck_spelling_with_stress():
    expected = "Здра́вствуйте! Чем могу́ помо́чь?"
    result = score("Здраствуйте! Чем могу помочь?", expected, "ru")
    assert result.outcome is Outcome.ALMOST
    assert [(p.kind, p.typed, p.expected) for p in result.diff if p.kind != "equal"] == [
        ("wrong", "Здраствуйте!", "Здра́вствуйте!")]


def test_another_word_is_wrong_even_when_the_sentence_is_close():
    # 85 % alike as characters, but English for Chinese is a different answer
    result = score(tr("greeting-018", "ru"), tr("greeting-009", "ru"), "ru")
    assert result.similarity > 80 and result.outcome is Outcome.WRONG and result.grade == AGAIN
    result = score("Do you speak English?", "Do you speak Chinese?", "en")
    assert result.outcome is Outcome.WRONG
    assert [(p.kind, p.typed, p.expected) for p in result.diff if p.kind != "equal"] == [
        ("wrong", "English?", "Chinese?")]


def test_no_other_phrase_of_a_deck_counts_as_almost_unless_only_words_are_missing():
    """The threshold's calibration: typing a neighbouring phrase of the same deck is wrong, except where that
    phrase is this one with words left out (then the diff shows exactly those words)."""
    for deck in DECKS:
        for lang in deck.languages:
            for p in deck.phrases:
                for q in deck.phrases:
                    if p is q:
                        continue
                    result = score(q.translations[lang], p.translations[lang], lang, alts(p.id, lang))
                    if result.outcome is not Outcome.WRONG:
                        assert {d.kind for d in result.diff} <= {"equal", "missing", "extra"}, (p.id, q.id, lang)


def test_empty_answer_is_wrong_and_the_grade_is_proposed():
    result = score("  ", "Hello.", "en")
    assert result.outcome is Outcome.WRONG and result.grade == AGAIN and result.diff == ()
    assert score("Hello", "Hello.", "en").grade == GOOD


def test_japanese_diff_is_by_character():
    parts = word_diff("パスポートを見せて", "パスポートを見せてください。", "ja")
    assert [(p.kind, p.expected) for p in parts] == [("equal", "パスポートを見せて"), ("missing", "ください")]


def test_contraction_typo_is_a_slip_not_another_word():
    assert score("No, taht's all. Thank you.", "No, that's all. Thank you.", "en").outcome is Outcome.ALMOST


def test_numbers_typed_as_words_are_right_but_a_different_number_is_wrong():
    """A clerk may type "six" for the deck's 6; a different number is wrong information, never a slip."""
    phrase = next(p for p in PHRASES.values() if "less than 6 months" in p.translations.get("en", ""))
    expected = tr(phrase.id, "en")
    assert score(expected.replace("6", "six"), expected, "en").outcome is Outcome.RIGHT
    wrong = score(expected.replace("6", "7"), expected, "en")
    assert wrong.outcome is Outcome.WRONG and wrong.similarity > 95  # one character, but the wrong fact
    assert score(expected.replace("6", "seven"), expected, "en").outcome is Outcome.WRONG
    assert score(expected.replace("passport", "pasport"), expected, "en").outcome is Outcome.ALMOST


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("appointment-012", "en", "If you miss 3 bookings in a month, you can book again for 30 days."),
    ("greeting-021", "en", "I have an appointment. Can I still be seen today?"),
    ("acceptance-014", "en", "Once you sign the commitment letter, you will need to submit this certificate."),
    ("progress-003", "en", "Working days include weekends or public holidays."),
    ("documents-015", "ru", "Извините, перевод, сделанный вами, мы принять можем"),
])
def test_a_dropped_negation_is_wrong_never_almost(phrase_id, lang, typed):
    """Without its "not" the sentence says the opposite: wrong information at the counter, like a wrong number."""
    result = score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang))
    assert result.similarity > 90 and result.outcome is Outcome.WRONG, result


def test_an_added_negation_is_wrong_and_a_negation_kept_through_a_slip_is_almost():
    expected = tr("greeting-020", "en")  # I have an appointment at 10 a.m.
    assert score("I don't have an appointment at 10 a.m.", expected, "en").outcome is Outcome.WRONG
    assert score("I never have an appointment at 10 a.m.", expected, "en").outcome is Outcome.WRONG
    negated = tr("greeting-021", "en")  # I don't have an appointment. Can I still be seen today?
    assert score("I dont have an apointment. Can I still be seen today?", negated, "en").outcome is Outcome.ALMOST
    assert score("I don't have an appointment. Can I be seen today?", negated, "en").outcome is Outcome.ALMOST
    russian = tr("documents-015", "ru")
    assert score("Извените, перевод, сделанный вами, мы принять не можем", russian, "ru").outcome is Outcome.ALMOST


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("appointment-012", "ja", "1か月に3回予約して来なかった場合、30日間予約できます。"),
    ("greeting-021", "ja", "予約しているんですが、今日手続きできますか？"),
    ("appointment-012", "ko", "한 달에 세 번 예약하고 오지 않으시면 30일간 예약하실 수 있습니다."),
    ("greeting-021", "ko", "예약을 했는데 오늘 할 수 있어요?"),
])
def test_japanese_and_korean_negative_forms_count_too(phrase_id, lang, typed):
    """Typing is offered in ja/ko as well: a dropped ない/ません or 않/없/안 reverses the sentence there too."""
    assert score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang)).outcome is Outcome.WRONG


@pytest.mark.parametrize("typed", ["I have an appointment at 10am", "I have an appointment at 10 am",
                                   "I have an appointment at 10 AM.", "I have an appointment at 10 a.m"])
def test_times_are_compared_in_one_form(typed):
    assert score(typed, tr("greeting-020", "en"), "en").outcome is Outcome.RIGHT
    assert score("There's still a slot tomorrow from 9 to 9:30am", tr("appointment-004", "en"),
                 "en").outcome is Outcome.RIGHT
    assert score("I have an appointment at 11am", tr("greeting-020", "en"), "en").outcome is Outcome.WRONG


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("fees-007", "en", "For 3 to 5 years, it's 1000 yuan."),                      # deck: 1,000
    ("fees-007", "en", "For 3 to 5 years, it's 1\u00a0000 yuan."),                # no-break space
    ("fees-007", "en", "For 3 to 5 years, it's 1\u2009000 yuan."),                # thin space
    ("fees-007", "ru", "На срок от 3 до 5 лет — 1 000 юаней."),                    # deck: 1000
    ("fees-007", "ru", "На срок от 3 до 5 лет — 1,000 юаней."),
    ("fees-007", "ru", "На срок от трех до пяти лет — тысяча юаней."),
    ("fees-007", "ko", "3년 이상 5년 이하는 1000위안입니다."),                       # deck: 1,000위안
    ("fees-007", "ja", "３年以上５年以下は、１，０００元です。"),                      # full-width, NFKC
    ("work_permit-047", "ru", "Просрочка — это незаконное пребывание. Возможен штраф 500 юаней в день, "
                              "но не более 10000 юаней."),                          # deck: 10 000
    ("work_permit-047", "ru", "Просрочка — это незаконное пребывание. Возможен штраф пятьсот юаней в день, "
                              "но не более десяти тысяч юаней."),
    ("work_permit-047", "ru", "Просрочка — это незаконное пребывание. Возможен штраф 500 юаней в день, "
                              "но не более 10 тысяч юаней."),
    ("work_permit-047", "en", "Overstaying counts as illegal residence. You may be fined 500 yuan a day, "
                              "up to 10 000 yuan."),
    ("documents-007", "en", "The photo must be 33mm wide and 48mm high."),        # deck: 33 mm
    ("documents-007", "ko", "사진 크기는 가로 33 mm, 세로 48 mm입니다."),             # deck: 33mm
    ("documents-007", "ru", "Размер фотографии — 33мм в ширину и 48мм в высоту."),
    ("progress-002", "ru", "Оформление занимает 5 рабочих дней."),                 # deck: пять
    ("directions-015", "ru", "Станция метро через дорогу, 5 минут пешком."),
    ("pickup-017", "ru", "По городу обычно доставляют за 2-3 дня."),               # deck: два-три
    ("pickup-017", "ru", "По городу обычно доставляют за 2–3 дня."),               # en dash
    ("pickup-017", "ru", "По городу обычно доставляют за два - три дня."),
    ("directions-013", "ru", "Парковка на минус первом этаже, первые 2 часа бесплатно."),
    ("directions-002", "ru", "Пройдите, пожалуйста, в зону С на третьем этаже."),  # Cyrillic С, deck: Latin C
    ("appointment-004", "en", "There's still a slot tomorrow from 9:00 to 9:30 a.m."),
    ("appointment-005", "en", "Shall I book you in for next Tuesday at 10:00 AM?"),
])
def test_a_number_written_another_accepted_way_is_right(phrase_id, lang, typed):
    """Thousands separators, a unit joined to its number, number words for digits (Russian too), a range typed
    with digits, a Russian keyboard's С: the same answer, as the clerk types it."""
    assert score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang)).outcome is Outcome.RIGHT


def test_numbers_are_normalised_the_same_way_on_both_sides():
    for a, b, lang in [("1,000", "1000", "en"), ("10 000", "10000", "ru"), ("двадцать пять", "25", "ru"),
                       ("сто двадцать", "120", "ru"), ("две тысячи", "2000", "ru"), ("тысяча", "1000", "ru"),
                       ("twenty-five", "25", "en"), ("one thousand", "1000", "en"), ("33mm", "33 mm", "ko"),
                       ("１２３４５", "12345", "ja")]:
        assert normalise(a, lang) == normalise(b, lang), (a, b, lang)
    assert normalise("два-три", "ru") == normalise("2–3", "ru") == "2 3"  # a range stays two numbers
    assert normalise("400 800", "en") != normalise("400", "en")


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("progress-002", "en", "It takes working days."),                                   # 5 dropped
    ("appointment-009", "en", "If you're more than minutes late, the booking is cancelled automatically."),
    ("fees-005", "en", "A residence permit for less than a year costs yuan."),          # 400 dropped
    ("fees-005", "en", "A residence permit for less than a year costs 400 800 yuan."),  # a number added
    ("complaints-018", "en", "You can call the government service hotline."),          # 12345 dropped
    ("queue-009", "en", "Foreign nationals are served at Windows 10 to 8."),            # swapped
    ("fees-006", "en", "From 3 years to under 1 year, it's 800 yuan."),
    ("queue-010", "en", "Number A025, please go to Window."),
    ("queue-010", "en", "Number B025, please go to Window 9."),                         # another code
    ("progress-002", "ru", "Оформление занимает рабочих дней."),                        # пять dropped
])
def test_a_number_added_dropped_or_swapped_is_wrong(phrase_id, lang, typed):
    """README: a different number is always wrong, and so is one left out, added or moved."""
    result = score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang))
    assert result.similarity > 90 and result.outcome is Outcome.WRONG, result


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("appointment-005", "en", "Shall I book you in for next Tuesday at 10 p.m.?"),      # a.m.
    ("appointment-004", "en", "There's still a slot tomorrow from 9 to 9:30 p.m."),
    ("appointment-005", "en", "Shall I book you in for next Thursday at 10 a.m.?"),     # Tuesday
    ("directions-002", "en", "Please go to Area B on Floor 3."),                         # Area C
    ("acceptance-024", "en", "The reasons are set out in this notice of acceptance."),  # non-acceptance
    ("business-024", "en", "No, that's excluded. After you get your licence, please confirm your tax information."),
    ("directions-013", "en", "The car park is on B1, and the first 2 hours are fee."),  # free: fee is a word
    ("work_permit-047", "ru", "Просрочка — это законное пребывание. Возможен штраф 500 юаней в день, "
                              "но не более 10 000 юаней."),                                 # незаконное
    ("complaints-005", "ru", "Если вы довольны, поставьте плохую оценку — мы свяжемся с вами и все исправим."),
    ("apologies-019", "ru", "Извините, пожалуйста, за удобства."),                       # неудобства
    ("business-027", "ru", "Если нет погашенных долгов, можно подать на упрощенную ликвидацию с публикацией "
                           "на 20 дней."),                                               # непогашенных
    ("directions-007", "ru", "Вход там, идите прямо."),                                  # Выход
    ("complaints-014", "ru", "Жалобу можно подать у стойки для жалоб у выхода в зал."),  # входа
    ("directions-002", "ru", "Пройдите, пожалуйста, в зону B на третьем этаже."),        # C
    ("appointment-005", "ja", "来週の火曜日、午後10時で予約してもいいですか。"),          # 午前: another kanji
    ("appointment-005", "ja", "来週の木曜日、午前10時で予約してもいいですか。"),          # 火曜日
    ("queue-002", "ja", "発券機は出口の右側にあります。"),                                # 入口
])
def test_a_slip_that_changes_the_fact_is_wrong(phrase_id, lang, typed):
    """A letter or two that make another time, day, area, entrance/exit or the opposite (a negating prefix) are
    wrong information at the counter, like a wrong number — not a slip of spelling."""
    result = score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang))
    assert result.similarity > 90 and result.outcome is Outcome.WRONG, result


@pytest.mark.parametrize(("phrase_id", "lang", "typed"), [
    ("greeting-015", "en", "Its hot out there. Would you like some water?"),
    ("greeting-015", "en", "It's hot out there. Would you like some waters?"),
    ("appointment-006", "en", "Once it's booked, you'll get a text massage."),
    ("progress-002", "en", "It takes 5 working day."),
    ("identity-010", "en", "Your nationality is Canada, is that right?"),
    ("acceptance-001", "ru", "Все документы в порядке, ваше заявления принята."),
    ("greeting-009", "ru", "Вы говорите покитайски?"),
    ("queue-002", "ja", "発券機わ入口の右側にあります。"),                                # は typed as it sounds
])
def test_a_slip_of_spelling_or_grammar_stays_almost(phrase_id, lang, typed):
    """The other side of the rule above: a misspelling that is no other word, or another ending of the same
    word, is still a slip."""
    assert score(typed, tr(phrase_id, lang), lang, alts(phrase_id, lang)).outcome is Outcome.ALMOST


def test_the_diff_shows_a_m_as_one_word():
    result = score("There's still a slot tomorrow from 9 to 9:30 p.m.", tr("appointment-004", "en"), "en")
    assert [(p.kind, p.typed, p.expected) for p in result.diff if p.kind != "equal"] == [("wrong", "p.m.", "a.m.")]
    assert result.diff[-1].expected == "a.m."  # no stray "m" after it


def test_an_apology_left_out_is_a_missing_polite_word_not_a_negation():
    """すみません and 申し訳ありません end like a negation (〜ません) but say no "not": leaving one out is almost
    (as "Sorry," left out in English), while the negation that follows still counts."""
    sorry = tr("documents-015", "ja")  # すみません、ご本人が翻訳したものは使えません。
    assert score(sorry.removeprefix("すみません、"), sorry, "ja").outcome is Outcome.ALMOST
    refusal = tr("acceptance-021", "ja")  # 申し訳ありませんが、この申請は受理できません。
    assert score("この申請は受理できません。", refusal, "ja").outcome is Outcome.ALMOST
    assert score("申し訳ありませんが、この申請は受理できます。", refusal, "ja").outcome is Outcome.WRONG
