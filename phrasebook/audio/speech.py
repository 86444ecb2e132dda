"""What an engine is asked to say: the exact deck text, and the form an offline voice can read.

espeak-ng reads kanji as "Chinese letter", so Japanese goes to it as hiragana (the reading MeCab/unidic-lite
gives, the same analyser the romaji comes from); Mandarin goes as numbered pinyin for `-v cmn-latn-pinyin`,
built from the phrase's stored (glossary-corrected) pinyin; Russian stress marks are teaching aids, not
letters, so they are removed before any engine sees them.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

from phrasebook.romanize import romaji_table

SPEAKABLE = ("zh", "en", "ja", "ko", "ru")  # zh: the Chinese line itself; the others: its translations
STRESS = "\u0301"


@dataclass(frozen=True)
class Utterance:
    """One thing to say: a phrase's text in one language (zh also carries its pinyin)."""

    lang: str
    text: str
    pinyin: str = ""

    def key(self, engine: str) -> str:
        """Cache identity: (engine, language, exact text); an edited phrase gets a new key."""
        raw = "\x1f".join((engine, self.lang, self.text, self.pinyin if self.lang == "zh" else ""))
        return hashlib.sha256(raw.encode()).hexdigest()[:24]


def plain(text: str) -> str:
    """The text without stress marks, in NFC (what gTTS is sent)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).replace(STRESS, ""))


_TAGGING = threading.Lock()  # a MeCab tagger is not thread-safe, and `audio build` speaks from worker threads


@cache
def _tagger():
    import fugashi

    return fugashi.Tagger()


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def japanese_kana(text: str) -> str:
    """'就労許可は…' → 'しゅーろーきょかわ…': the pronounced form (particle は as わ, long vowels as ー),
    in hiragana, punctuation kept so espeak-ng pauses."""
    for word, reading in romaji_table("readings").items():
        text = text.replace(word, reading)
    out = []
    with _TAGGING:
        words = [(w.surface, getattr(w.feature, "pron", None)) for w in _tagger()(text)]
    for surface, pron in words:
        out.append(_hiragana(pron) if pron and pron != "*" else surface)
    return "".join(out)


_TONED = {}
for _base, _marks in {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}.items():
    for _tone, _mark in enumerate(_marks, start=1):
        _TONED[_mark] = (_base, _tone)
        _TONED[_mark.upper()] = (_base.upper(), _tone)
DIGITS = ("ling2", "yao1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
SYLLABLE_RE = re.compile(r"[A-Za-zÀ-ɏ]+|\d+|[,.?!;:]")


def numbered_pinyin(pinyin: str) -> str:
    """'qǐng bō dǎ 12345 rè xiàn.' → 'qing3 bo1 da3 yao1 er4 san1 si4 wu3 re4 xian4 .'

    Runs of three or more digits are telephone or service numbers, said digit by digit (1 as yāo).
    """
    out = []
    for token in SYLLABLE_RE.findall(unicodedata.normalize("NFC", pinyin)):
        if token.isdigit():
            out.extend(DIGITS[int(d)] for d in token) if len(token) >= 3 else out.append(token)
            continue
        if not token[0].isalpha():
            out.append(token)
            continue
        tone, letters = 5, []
        for ch in token:
            base, mark = _TONED.get(ch, (ch, 0))
            letters.append(base)
            tone = mark or tone
        out.append("".join(letters).replace("ü", "v").lower() + str(tone))
    return " ".join(out)


def offline_text(u: Utterance) -> str:
    """What espeak-ng is given for this utterance."""
    if u.lang == "ja":
        return japanese_kana(u.text)
    if u.lang == "zh":
        return numbered_pinyin(u.pinyin)
    return plain(u.text)
