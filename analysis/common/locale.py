"""Numbers written the way each language's readers write them: for the guides in Chinese and Italian.

- Italian ("it"): decimal comma and thousands point (1.234,5), "12,3%", amounts in "milioni" and
  "miliardi" ("12,9 miliardi di euro", "32.156 miliardi di yuan");
- Chinese ("zh"): decimal point, amounts counted in 万 (10^4), 亿 (10^8) and 万亿 (10^12), as Chinese
  statistics and the press write them ("32.16万亿元", "182.28亿元", "5000万欧元"); numbers below
  10,000 are written without a separator, larger plain numbers with the comma;
- English ("en"): the book's house style (1,234.5; "12.9 billion").

Amounts come with the data's unit ("CNY bn", "RMB m", "EUR bn", "USD m", ...), which ``amount``
turns into the base value and the currency, so a page never rescales a number by hand.
"""

from __future__ import annotations

import math
import re
import numbers
from dataclasses import dataclass

LANGUAGES = ("en", "it", "zh")

#: Multipliers of the data package's unit suffixes.
SCALES = {"": 1.0, "thousand": 1e3, "k": 1e3, "m": 1e6, "bn": 1e9}
#: Currencies of the data package, as each language names them after an amount.
CURRENCIES = {
    "CNY": {"en": "yuan", "it": "yuan", "zh": "元"},
    "RMB": {"en": "yuan", "it": "yuan", "zh": "元"},
    "EUR": {"en": "euros", "it": "euro", "zh": "欧元"},
    "USD": {"en": "US dollars", "it": "dollari USA", "zh": "美元"},
}
#: Chinese units of count, largest first.
_ZH_UNITS = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
#: Large-number words: (size, singular, plural) per language, largest first.
_WORDS = {
    "en": ((1e12, "trillion", "trillion"), (1e9, "billion", "billion"), (1e6, "million", "million")),
    # Italian stops at miliardi, as the Italian press writes it ("32.156 miliardi"): "bilione" is rare
    "it": ((1e9, "miliardo", "miliardi"), (1e6, "milione", "milioni")),
}


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    return lang


def _real(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"a number is needed, got {value!r}")
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError("not available: a gap is not a number to print")
    return value


def number(value, lang: str, decimals: int = 0, group: bool = True) -> str:
    """A plain number: ``number(1234.5, "it", 1)`` -> "1.234,5"; ``number(1234.5, "zh", 1)`` -> "1234.5".

    Chinese groups thousands with a comma from five digits on (10,000 and more); Italian and English
    group from four. ``group=False`` writes years and codes without a separator.
    """
    lang, value = _lang(lang), _real(value)
    text = f"{abs(value):,.{decimals}f}"  # English: 1,234.5
    if not group or (lang == "zh" and abs(value) < 1e4):
        text = text.replace(",", "")
    if lang == "it":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    negative = value < 0 and any(ch in "123456789" for ch in text)
    return "\u2212" + text if negative else text


def percent(value, lang: str, decimals: int = 1) -> str:
    """A percentage: "12,3%" (it), "12.3%" (zh, en)."""
    return number(value, lang, decimals) + "%"


def _split_unit(unit: str) -> tuple[str, float]:
    """'CNY bn' -> ('CNY', 1e9); 'EUR' -> ('EUR', 1.0)."""
    parts = unit.split()
    currency, scale = parts[0], " ".join(parts[1:])
    if currency not in CURRENCIES or scale not in SCALES:
        raise ValueError(f"unknown money unit {unit!r}")
    return currency, SCALES[scale]


def count(value, lang: str, decimals: int = 1, noun: str = "", significant: int | None = None) -> str:
    """A large count in words of the language.

    zh: 万/亿/万亿 from 10,000 on ("2600万", "1.5亿"); it: milioni/miliardi from a million on
    ("12,9 miliardi", "32.156 miliardi"); en: million/billion/trillion. Smaller values are plain numbers. Trailing zeros after the decimal point are
    dropped ("5000万", not "5000.0万"). ``noun`` follows with the language's spacing (none in Chinese).
    ``significant`` digits, when given, replace ``decimals``: the same precision in every language
    (4: "32.16万亿", "32.156 miliardi").
    """
    lang, value = _lang(lang), _real(value)
    digits, word = _scaled(value, lang, decimals, significant)
    if lang == "zh":
        return digits + word + noun
    if lang == "it" and word and noun:
        return f"{digits} {word} di {noun}"  # "26 milioni di acquirenti"
    return " ".join(part for part in (digits, word, noun) if part)


def amount(value, unit: str, lang: str, decimals: int = 1, significant: int | None = None) -> str:
    """Money in the data's unit, written for the language.

    ``amount(32156.0, "CNY bn", "zh", 2)`` -> "32.16万亿元"; ``amount(12.9, "EUR bn", "it")`` ->
    "12,9 miliardi di euro"; ``amount(50, "EUR m", "zh")`` -> "5000万欧元". ``significant`` as in ``count``.
    """
    lang = _lang(lang)
    currency, scale = _split_unit(unit)
    digits, word = _scaled(_real(value) * scale, lang, decimals, significant)
    name = CURRENCIES[currency][lang]
    if lang == "zh":
        return digits + word + name
    if lang == "it" and word:
        return f"{digits} {word} di {name}"  # "12,9 miliardi di euro"
    return " ".join(part for part in (digits, word, name) if part)


def _trim(text: str, lang: str) -> str:
    """Drop trailing zeros after the decimal sign: "5000.0" -> "5000", "12,50" -> "12,5"."""
    decimal = "," if lang == "it" else "."
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def _scaled(value: float, lang: str, decimals: int, significant: int | None = None) -> tuple[str, str]:
    """(digits, unit word) for a large value: ("32.16", "万亿"), ("12,9", "miliardi"), ("950", "")."""
    units = _ZH_UNITS if lang == "zh" else [(size, plural) for size, _, plural in _WORDS[lang]]
    size, word = next(((size, word) for size, word in units if abs(value) >= size), (1.0, ""))
    scaled = value / size
    if significant is not None and scaled:
        decimals = max(0, significant - 1 - math.floor(math.log10(abs(scaled))))
    digits = _trim(number(scaled, lang, decimals, group=lang != "zh" or not word), lang)
    if lang != "zh" and word and digits in ("1", "\u22121"):
        word = next(singular for s, singular, _ in _WORDS[lang] if s == size)
    return digits, word


# --- a quantity and its kind, written once per language -----------------------------------------

@dataclass(frozen=True)
class Quantity:
    """A number with what it is, so each language can write it its own way.

    ``kind``: "amount" (money in ``unit``, e.g. "CNY bn"), "count" (a large count: 万/亿, milioni),
    "percent", "number" (a plain number) or "year" (no separator).
    """

    value: float
    kind: str
    unit: str = ""
    decimals: int = 1
    significant: int | None = None  # for amounts and counts: digits kept whatever the language's scale


def write(quantity: Quantity, lang: str) -> str:
    """The quantity as the language writes it (see the module's conventions)."""
    q = quantity
    if q.kind == "amount":
        return amount(q.value, q.unit, lang, q.decimals, q.significant)
    if q.kind == "count":
        return count(q.value, lang, q.decimals, significant=q.significant)
    if q.kind == "percent":
        return percent(q.value, lang, q.decimals)
    if q.kind == "number":
        return number(q.value, lang, q.decimals)
    if q.kind == "year":
        return number(q.value, lang, 0, group=False)
    raise ValueError(f"unknown kind of quantity {q.kind!r}")


def write_all(quantities: dict[str, Quantity], lang: str) -> dict[str, str]:
    """name -> text for a page's glue (``words.glue_all``)."""
    return {name: write(q, lang) for name, q in quantities.items()}


# --- the language of a phrase -----------------------------------------------------------------

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
#: A run of Chinese text: from a CJK character to a CJK character, with the digits, spaces and
#: punctuation Chinese text mixes in ("在 2018年双方…").
_CJK_RUN = re.compile(f"[{_CJK}](?:[{_CJK}\\s\\d.%…“”‘’·]*[{_CJK}])?")


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese (CJK) characters."""
    return bool(re.search(f"[{_CJK}]", text))


def mark_cjk(markup: str, lang: str = "zh-Hans") -> str:
    """HTML with each run of Chinese text in its text nodes wrapped in ``<span lang="...">``.

    For tables and notes that quote the Chinese introduction inside English text, so a screen reader
    switches voice. Tags and attribute values are left alone.
    """
    parts = re.split(r"(<[^>]*>)", markup)
    wrap = lambda m: f'<span lang="{lang}">{m.group(0)}</span>'  # noqa: E731
    return "".join(part if part.startswith("<") else _CJK_RUN.sub(wrap, part) for part in parts)
