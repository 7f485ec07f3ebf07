"""Plate formats (plate-formats/<cc>.json) and the text drawn from them.

Text is always produced by walking a format's regex (regexgen), so a sampled text
can never disagree with what the engine accepts. Uzbek private plates replace the
uniform walk by the real frequencies in private-plate-statistics.json.
"""
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from training.common.splits import data_dir
from training.synth.regexgen import RegexWalker, _Parser

COUNTRIES = ("uz", "eu", "us", "br")
FORMATS_DIR = Path(__file__).resolve().parents[2] / "plate-formats"
_REGION_ATOM = _Parser("(0[1-9]|[1-9][0-9])").parse()[0][0]
# Real 2008 region ranges (de-academic table in the notes); codes outside the
# statistics still occur on the road, so 10 % of regions come from here uniformly.
_ALL_REGIONS = [f"{c:02d}" for c in range(1, 100)]
_UNIFORM_REGION_SHARE = 0.10
# Personalised (2026 auction) plates: words quoted in the press and common names;
# the rest of the vanity plates are random walks of the regex.
_UZ_VANITY_WORDS = ("SARVAR", "AZIZA", "ODIL", "BUXORO", "TOSHKE", "AKMAL", "DILNOZ",
                    "BOBUR", "NODIR", "JASUR", "MALIKA", "TIMUR", "SAMAR", "XIVA",
                    "ANVAR", "ULUGBE", "777", "A1", "BOSS", "UZ1", "001", "KING")
_US_VANITY_WORDS = ("JUSTMAUI", "NTGUILTY", "BIGCHEES", "GOBLUE", "LUVMYCAR", "TARHEEL",
                    "SWEETTHG", "ICU2", "4EVER", "RN4LIFE", "GR8DAY", "OUTATIME")


@dataclass(frozen=True)
class Format:
    country: str
    id: str
    regex: str
    template: object
    display: object
    lines: int
    prior: float
    min_len: int
    max_len: int
    walker: RegexWalker


@lru_cache(maxsize=None)
def load_country(country):
    """The formats of one country, in file order."""
    spec = json.loads((FORMATS_DIR / f"{country}.json").read_text())
    out = []
    for f in spec["formats"]:
        fixed = len(f["template"]) if f["template"] else None
        out.append(Format(country, f["id"], f["regex"], f["template"], f["display"],
                          int(f["lines"]), float(f["prior"]),
                          f.get("min_len", fixed), f.get("max_len", fixed),
                          RegexWalker(f["regex"])))
    return tuple(out)


def find_format(format_id):
    for country in COUNTRIES:
        for f in load_country(country):
            if f.id == format_id:
                return f
    raise KeyError(f"unknown plate format {format_id!r}")


def choose_format(country, rng):
    formats = load_country(country)
    priors = np.array([f.prior for f in formats])
    return formats[int(rng.choice(len(formats), p=priors / priors.sum()))]


@lru_cache(maxsize=None)
def uz_statistics():
    """(values, probabilities) tables from the real private-plate counts."""
    raw = json.loads((data_dir() / "uzbekistan" / "private-plate-statistics.json").read_text())
    tables = {}
    for key in ("region_code", "series_letter", "suffix_letter_1", "suffix_letter_2", "digits"):
        values = list(raw[key])
        counts = np.array([raw[key][v] for v in values], dtype=float)
        tables[key] = (values, counts / counts.sum())
    return tables


def _draw(table, rng):
    values, probs = table
    return values[int(rng.choice(len(values), p=probs))]


def _uz_region(rng):
    if rng.random() < _UNIFORM_REGION_SHARE:
        return _ALL_REGIONS[int(rng.integers(len(_ALL_REGIONS)))]
    return _draw(uz_statistics()["region_code"], rng)


def _uz_private_pickers():
    t = uz_statistics()
    return {
        0: _uz_region,
        1: lambda rng: _draw(t["series_letter"], rng),
        2: lambda rng: "".join(_draw(t["digits"], rng) for _ in range(3)),
        3: lambda rng: _draw(t["suffix_letter_1"], rng) + _draw(t["suffix_letter_2"], rng),
    }


def _pickers(fmt):
    if fmt.id == "uz-private":
        return _uz_private_pickers()
    if fmt.country == "uz":
        # Every Uzbek series shares the real regional distribution.
        return {i: _uz_region for i, (atom, _, _) in enumerate(fmt.walker.items)
                if atom == _REGION_ATOM}
    return None


def sample_parts(fmt, rng):
    """The text of a plate of this format, split into its top-level regex fields."""
    words = {"uz-vanity": _UZ_VANITY_WORDS, "us-vanity": _US_VANITY_WORDS}.get(fmt.id)
    if words and rng.random() < 0.4:
        return [words[int(rng.integers(len(words)))]]
    pickers = _pickers(fmt)
    for _ in range(100):
        parts = fmt.walker.parts(rng, pickers)
        n = sum(len(p) for p in parts)
        if fmt.min_len <= n <= fmt.max_len:
            return parts
    raise RuntimeError(f"cannot draw a text of length {fmt.min_len}..{fmt.max_len} for {fmt.id}")
