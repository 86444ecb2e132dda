"""Japanese romanisation: cutlet (chosen) vs pykakasi over every Japanese deck line — time and sample output.

Run: python bench/romaji.py   (pykakasi is optional: `pip install pykakasi` to compare)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from phrasebook import paths
from phrasebook.decks import load_decks
from phrasebook.romanize import japanese

lines = [p.translations["ja"] for d in load_decks(paths.decks_dir()) for p in d.phrases if "ja" in p.translations]
t0 = time.perf_counter()
japanese(lines[0])
t1 = time.perf_counter()
ours = [japanese(s) for s in lines]
t2 = time.perf_counter()
per_line = (t2 - t1) / len(lines) * 1e3
print(f"cutlet: load {t1 - t0:.3f} s, {len(lines)} lines in {t2 - t1:.3f} s ({per_line:.2f} ms/line)")
try:
    import pykakasi
except ImportError:
    print("pykakasi not installed: no comparison")
    sys.exit()
t3 = time.perf_counter()
kks = pykakasi.kakasi()
theirs = [" ".join(i["hepburn"] for i in kks.convert(s)) for s in lines]
t4 = time.perf_counter()
print(f"pykakasi: {len(lines)} lines (with load) in {t4 - t3:.3f} s")
for s, a, b in list(zip(lines, ours, theirs, strict=True))[:6]:
    print(f"  {s}\n    cutlet:   {a}\n    pykakasi: {b}")
