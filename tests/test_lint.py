"""Content lint: the glossary rule, duplicates, lengths, placeholders, Russian stress — and the shipped decks pass."""

from __future__ import annotations

from dataclasses import replace

from phrasebook import paths
from phrasebook.decks import load_decks
from phrasebook.lint import fold, lint, load_glossary, russian_unstressed

GLOSSARY = load_glossary(paths.decks_dir() / "_glossary.toml")


def mini(mini_decks):
    return load_decks(mini_decks)


def with_phrase(deck, index, **changes):
    phrases = list(deck.phrases)
    phrases[index] = replace(phrases[index], **changes)
    return replace(deck, phrases=tuple(phrases))


def keys(report):
    return sorted((p.key, p.phrase, p.field) for p in report.errors)


def test_shipped_decks_pass_lint_and_use_the_glossary():
    """The glossary test: every official term used in Chinese is rendered per the glossary in every language."""
    decks = load_decks(paths.decks_dir())
    report = lint(decks, GLOSSARY)
    assert [p.message() for p in report.errors] == []
    assert len(GLOSSARY) >= 17
    used = {t.id for t in GLOSSARY for d in decks for p in d.phrases if any(z in p.zh for z in t.zh)}
    assert {"work-permit", "residence-permit", "business-licence", "uscc"} & used


def test_glossary_mismatch_is_an_error(mini_decks):
    (deck,) = mini(mini_decks)
    deck = with_phrase(deck, 1, zh="请出示您的护照和营业执照。",
                       translations={"en": "May I see your passport and business permit?",
                                     "ja": "パスポートと営業許可証を見せてください。"})
    found = keys(lint([deck], GLOSSARY))
    assert ("lint.glossary", "mini-002", "translations.en") in found
    assert ("lint.glossary", "mini-002", "translations.ja") not in found


def test_duplicates_lengths_placeholders_untranslated(mini_decks):
    (deck,) = mini(mini_decks)
    deck = with_phrase(deck, 1, zh="您好，请问您办理什么业务？")  # same as mini-001 but for punctuation
    deck = with_phrase(deck, 2, zh="这" * 41)
    deck = with_phrase(deck, 3, translations={"en": "Please go to Window {n}.", "ja": "この手続きは無料です。"})
    deck = with_phrase(deck, 4, translations={"en": "Can I pay by 银行卡?", "ja": "カードで払えますか。"})
    found = keys(lint([deck], GLOSSARY))
    assert ("lint.duplicate_zh", "mini-002", "zh") in found
    assert ("lint.too_long", "mini-003", "zh") in found
    assert ("lint.placeholder", "mini-004", "translations.en") in found
    assert ("lint.untranslated", "mini-005", "translations.en") in found
    assert ("lint.missing_language", None, "languages") in found  # the mini deck has no Korean


def test_russian_stress_and_folding():
    assert russian_unstressed("Здра́вствуйте! Чем могу помо́чь?") == ["могу"]
    assert russian_unstressed("Ещё оди́н вопро́с.") == []
    assert fold("Разреше́ние") == fold("разрешение")
