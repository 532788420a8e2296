"""The hostile-but-valid documents every layer must carry exactly: text plus entity spans.

Spans are found by searching the text for each entity's surface string, so the expected
offsets are Python code points by construction (never hand-counted)."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.text.model import Span


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    spans: tuple[Span, ...]


def _case(name: str, text: str, entities: list[tuple[str, str]]) -> Case:
    spans, pos = [], 0
    for surface, label in entities:
        start = text.index(surface, pos)
        spans.append(Span(start, start + len(surface), label))
        pos = start + len(surface)
    return Case(name, text, tuple(spans))


CASES: list[Case] = [
    _case("emoji-astral", "Ada 😀 Lovelace met 👩\u200d👩\u200d👧 Babbage in London 🇬🇧 today 🎉.",
          [("Lovelace", "PERSON"), ("Babbage", "PERSON"), ("London", "GPE")]),
    _case("astral-letters", "𝐀𝐝𝐚 𝐋𝐨𝐯𝐞𝐥𝐚𝐜𝐞 wrote to Bob in 𝔏𝔬𝔫𝔡𝔬𝔫 .",
          [("𝐀𝐝𝐚 𝐋𝐨𝐯𝐞𝐥𝐚𝐜𝐞", "PERSON"), ("Bob", "PERSON"), ("𝔏𝔬𝔫𝔡𝔬𝔫", "GPE")]),
    _case("combining-marks", "Zoe\u0308 Cafe\u0301 moved to Mu\u0308nchen and Z\u0336a\u0336lgo\u0301 stayed.",
          [("Zoe\u0308 Cafe\u0301", "PERSON"), ("Mu\u0308nchen", "GPE"), ("Z\u0336a\u0336lgo\u0301", "PERSON")]),
    _case("rtl", "Netanyahu (נתניהו) met محمد بن سلمان in الرياض on Monday.",
          [("נתניהו", "PERSON"), ("محمد بن سلمان", "PERSON"), ("الرياض", "GPE")]),
    _case("rtl-marks", "\u202bשלום\u202c said \u200fאבי\u200f in \u2067Tel Aviv\u2069.",
          [("אבי", "PERSON"), ("Tel Aviv", "GPE")]),
    _case("cjk-no-spaces", "习近平在北京会见了特朗普。东京大学发表声明。",
          [("习近平", "PERSON"), ("北京", "GPE"), ("特朗普", "PERSON"), ("东京大学", "ORG")]),
    _case("zero-width", "Ali\u200dce and Bo\u200bb met at Z\u200cW in Paris\u2060Nord.",
          [("Ali\u200dce", "PERSON"), ("Z\u200cW", "ORG")]),
    _case("html-like", "<b>Ada</b> &amp; <i>Bob</i> met at <a href='x'>IBM</a> <script>alert(1)</script> Rome",
          [("Ada", "PERSON"), ("Bob", "PERSON"), ("IBM", "ORG"), ("Rome", "GPE")]),
    _case("qt-rich-text", "<qt><h1>Ada Lovelace</h1><br/>met <font color=red>Bob</font> &lt;in&gt; Paris</qt>",
          [("Ada Lovelace", "PERSON"), ("Bob", "PERSON"), ("Paris", "GPE")]),
    _case("crlf", "Ada Lovelace met\r\nCharles Babbage in\r\nLondon .\r\n\r\nThen Paris .",
          [("Ada Lovelace", "PERSON"), ("Charles Babbage", "PERSON"), ("London", "GPE"), ("Paris", "GPE")]),
    _case("lone-cr", "Ada Lovelace met\rCharles Babbage in\rLondon .\r\rThen Paris .",
          [("Ada Lovelace", "PERSON"), ("Charles Babbage", "PERSON"), ("London", "GPE"), ("Paris", "GPE")]),
    _case("control-chars",
          "Ada\x02Lovelace met \x01Bob\x07 in \x0bLondon\x0c and \x1fParis\x7f via \x85Rome\u2028Berlin\u2029 Oslo \x1b[31m.",
          [("Bob", "PERSON"), ("London", "GPE"), ("Paris", "GPE"), ("Rome", "GPE"), ("Berlin", "GPE"),
           ("Oslo", "GPE")]),
    _case("bom-inside", "\ufeffAda Lovelace met Bob \ufeff in Paris .",
          [("Ada Lovelace", "PERSON"), ("Bob", "PERSON"), ("Paris", "GPE")]),
    _case("qt-frame-chars", "Ada\ufdd0Lovelace met Bob\ufdd1 in Paris .",
          [("Bob", "PERSON"), ("Paris", "GPE")]),
    _case("quotes-backslashes", 'He said "Ada \\n Lovelace" met \'Bob\' in \\Paris\\ {"x": 1} .',
          [("Ada", "PERSON"), ("Bob", "PERSON"), ("Paris", "GPE")]),
    _case("one-char", "X", [("X", "ORG")]),
]

BY_NAME = {c.name: c for c in CASES}

# Documents no project admits since issue 29: NUL, which PostgreSQL (the team hub) cannot store
# and tools downstream cut a text at. An import refuses each with one line; a project made
# before that keeps and shows them (tests/reliability/test_hostile_store.py).
NUL_CASES: list[Case] = [
    _case("nul-heavy", "\x00\x00Ada Lovelace\x00 met Bob .\x00",
          [("Ada Lovelace", "PERSON"), ("Bob", "PERSON")]),
    _case("nul-inside", "Ada\x00Lovelace met Bob in London .", [("Bob", "PERSON"), ("London", "GPE")]),
]


def qt_position(text: str, cp: int) -> int:
    """Where code point `cp` of `text` sits in a Qt text that holds `text` one UTF-16 unit per
    unit, worked out independently of the app (tests check the document really is so)."""
    return len(text[:cp].encode("utf-16-le")) // 2
