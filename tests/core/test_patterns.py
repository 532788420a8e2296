"""Patterns and term lists (issue 25 §1): Prodigy's two shapes read and checked, term lists,
and matching with spaCy's real tokenizer (no mocks): whole tokens, case ignored, the longest
match first, long texts in pieces."""

from __future__ import annotations

import orjson
import pytest

from annotator.core.errors import RecordError
from annotator.core.learning.patterns.files import read_pattern_file, read_term_list, token_form, write_patterns
from annotator.core.learning.patterns.matcher import PatternMatcher
from annotator.core.learning.patterns.records import Pattern, PatternError, check_pattern, pattern_key
from annotator.core.text.model import SOURCE_PATTERN, Span
from annotator.core.text.tokens import PIECE_CHARS


def lines(path, rows) -> None:
    path.write_text("\n".join(r if isinstance(r, str) else orjson.dumps(r).decode() for r in rows) + "\n",
                    encoding="utf-8")


def matches(patterns, text, labels=None):
    return [(text[s.start:s.end], s.label) for s in PatternMatcher(patterns).match(text, labels)]


# ---- reading and checking ------------------------------------------------------------------------
def test_both_prodigy_shapes_are_read(tmp_path):
    path = tmp_path / "p.jsonl"
    lines(path, [{"label": "ORG", "pattern": "halvard line"},
                 {"label": "GPE", "pattern": [{"lower": "new"}, {"LOWER": "york"}], "id": "ny"},
                 "", {"label": "GPE", "pattern": [{"lower": {"IN": ["paris", "rome"]}}, {"OP": "?", "IS_DIGIT": True}]}])
    got = list(read_pattern_file(path))
    assert [(n, p.label, p.pattern) for n, p in got] == [
        (1, "ORG", "halvard line"), (2, "GPE", [{"lower": "new"}, {"LOWER": "york"}]),
        (4, "GPE", [{"lower": {"IN": ["paris", "rome"]}}, {"OP": "?", "IS_DIGIT": True}])]


BAD = [
    ("not json", "not valid JSON"),
    ('["label", "pattern"]', 'not a JSON object with "label" and "pattern"'),
    ({"label": "ORG"}, "no 'pattern'"),
    ({"label": "ORG", "pattern": "   "}, "empty pattern"),
    ({"label": "ORG", "pattern": []}, "empty pattern"),
    ({"label": "ORG", "pattern": 7}, "must be a phrase (text) or a list of token objects, not a number"),
    ({"label": "ORG", "pattern": [{"FOO": "x"}]}, "token 1: 'FOO' is not a token attribute spaCy's Matcher knows"),
    ({"label": "ORG", "pattern": [{"lower": "a"}, {"POS": "PROPN"}]}, "token 2: POS needs a trained pipeline"),
    ({"label": "ORG", "pattern": [{"LENGTH": "long"}]}, "token 1: LENGTH must be a whole number"),
    ({"label": "ORG", "pattern": [{"IS_TITLE": "yes"}]}, "token 1: IS_TITLE must be true or false"),
    ({"label": "ORG", "pattern": [{"lower": "a", "OP": "several"}]}, "token 1: OP 'several' is not one of"),
    ({"label": "ORG", "pattern": [{"lower": {"IN": "paris"}}]}, "token 1: lower IN: Input should be a valid list"),
    ({"label": "ORG", "pattern": [{"OP": "*"}]}, "it would match any word"),
    ({"label": "NEW ORG", "pattern": "x"}, "must not contain spaces"),
    ({"label": "ORG", "pattern": "a\u0000b"}, "NUL character"),
]


@pytest.mark.parametrize("row, message", BAD, ids=[m for _, m in BAD])
def test_a_bad_line_is_one_line_naming_file_and_line_and_the_rest_is_read(tmp_path, row, message):
    path = tmp_path / "p.jsonl"
    lines(path, [{"label": "ORG", "pattern": "first"}, row, {"label": "ORG", "pattern": "last"}])
    got = list(read_pattern_file(path))
    errors = [g for g in got if isinstance(g, RecordError)]
    assert [p.pattern for n, p in (g for g in got if not isinstance(g, RecordError))] == ["first", "last"]
    assert len(errors) == 1 and errors[0].line == 2
    text = str(errors[0])
    assert text.startswith(f"{path}:2: ") and message in text and "\n" not in text


def test_term_list_one_term_per_line(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("belmouth\r\n\n  port of belmouth  \n#metoo\nx\u0000y\n", encoding="utf-8")
    got = list(read_term_list(path, "GPE"))
    good = [(n, p.pattern) for n, p in (g for g in got if not isinstance(g, RecordError))]
    assert good == [(1, "belmouth"), (3, "port of belmouth"), (4, "#metoo")]
    assert [str(e) for e in got if isinstance(e, RecordError)] == [f"{path}:5: the pattern contains a NUL character"]
    with pytest.raises(PatternError, match="must not contain spaces"):
        list(read_term_list(path, "MY LABEL"))


def test_a_file_that_is_not_utf8_is_one_error(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_bytes("café\n".encode("cp1252"))
    (error,) = list(read_term_list(path, "GPE"))
    assert isinstance(error, RecordError) and str(error).startswith(str(path)) and "UTF-8" in str(error)


def test_the_key_is_the_content_case_and_spacing_of_phrases_ignored():
    assert pattern_key("GPE", "New  York") == pattern_key("GPE", "new york")
    assert pattern_key("GPE", "new york") != pattern_key("ORG", "new york")
    assert pattern_key("GPE", [{"lower": "x"}]) == pattern_key("GPE", [{"LOWER": "x"}])
    assert pattern_key("GPE", [{"lower": "x"}]) != pattern_key("GPE", "x")


def test_written_and_read_back_unchanged(tmp_path):
    patterns = [check_pattern("ORG", "Halvard Line"), check_pattern("GPE", [{"lower": "new"}, {"orth": "York"}])]
    write_patterns(patterns, tmp_path / "out.jsonl")
    back = [p for _, p in read_pattern_file(tmp_path / "out.jsonl")]
    assert [(p.label, p.pattern) for p in back] == [(p.label, p.pattern) for p in patterns]
    assert token_form(patterns[0]).pattern == [{"lower": "halvard"}, {"lower": "line"}]


# ---- matching ---------------------------------------------------------------------------------------------
def test_a_phrase_matches_whole_tokens_ignoring_case():
    got = matches([Pattern("GPE", "Paris")], "PARIS, not parisian nor Paris-based; paris.")
    assert got == [("PARIS", "GPE"), ("Paris", "GPE"), ("paris", "GPE")]  # "Paris-based": "Paris" is a token


def test_a_phrase_matches_across_spaces_and_line_breaks_like_learned_phrases():
    text = "the halvard  line and the halvard\nline"
    assert matches([Pattern("ORG", "halvard line")], text) == [("halvard  line", "ORG"), ("halvard\nline", "ORG")]


def test_token_patterns_with_spacy_attributes():
    patterns = [Pattern("GPE", [{"orth": "US"}]),  # exact case
                Pattern("ORG", [{"lower": "bank"}, {"lower": "of"}, {"is_title": True, "OP": "+"}]),
                Pattern("MONEY", [{"like_num": True}, {"lower": {"IN": ["million", "billion"]}}])]
    text = "us and US; the Bank of England and bank of england lost 4 million"
    assert matches(patterns, text) == [("US", "GPE"), ("Bank of England", "ORG"), ("4 million", "MONEY")]


def test_overlaps_longest_first_then_first_added():
    patterns = [Pattern("GPE", "york"), Pattern("GPE", "new york"), Pattern("ORG", "new york"),
                Pattern("GPE", "new york city")]
    assert matches(patterns, "new york city and new york") == [("new york city", "GPE"), ("new york", "GPE")]
    # A label the project lacks takes no part (and blocks nothing).
    assert matches(patterns, "new york", labels=["ORG"]) == [("new york", "ORG")]


def test_a_match_never_cuts_a_grapheme_cluster():
    text = "jose\u0301 met jose"  # e + combining acute: "jose" is not the first word
    assert [(s.start, s.end) for s in PatternMatcher([Pattern("PERSON", "jose")]).match(text)] == [(10, 14)]


def test_spans_carry_the_pattern_source():
    (span,) = PatternMatcher([Pattern("GPE", "belmouth")]).match("to belmouth")
    assert span == Span(3, 11, "GPE") and span.source == SOURCE_PATTERN


@pytest.mark.slow
def test_a_long_text_is_matched_in_pieces_and_across_their_seams():
    """Pieces are cut at the last space before PIECE_CHARS: with the phrases placed at every
    distance before that point, the cut falls inside each of them at some point."""
    filler = "word " * (PIECE_CHARS // 4)
    patterns = [Pattern("GPE", "new york"), Pattern("ORG", [{"lower": "harbour"}, {"is_alpha": True}])]
    matcher = PatternMatcher(patterns)
    seen_cut_inside = set()
    for back in range(1, 30):
        head = filler[:PIECE_CHARS - back].rstrip()
        text = head + " new york harbour board " + filler + "and new york"
        got = [(text[s.start:s.end], s.label) for s in matcher.match(text)]
        assert got == [("new york", "GPE"), ("harbour board", "ORG"), ("new york", "GPE")], back
        start = len(head) + 1
        cut = text.rfind(" ", 0, PIECE_CHARS)
        seen_cut_inside.add(text[start:start + 8] if start < cut < start + 8 else
                            "harbour" if start + 9 < cut < start + 22 else None)
    assert {"new york", "harbour"} <= seen_cut_inside  # both kinds of pattern met a seam


def test_which_patterns_made_a_suggestion():
    a, b, c = Pattern("GPE", "new york", id=1), Pattern("GPE", [{"lower": "new"}, {"lower": "york"}], id=2), \
        Pattern("ORG", "new york", id=3)
    matcher = PatternMatcher([a, b, c, Pattern("GPE", [{"lower": "new"}, {"is_alpha": True}], id=4)])
    assert [p.id for p in matcher.which("New York", "GPE")] == [1, 2, 4]
    assert [p.id for p in matcher.which("new york", "ORG")] == [3]
    assert matcher.which("york", "GPE") == []


@pytest.mark.parametrize("phrase", ["cannot", "Gonna go", "Dont stop", "new york", "São Paulo", "u.s. navy",
                                    "covid19 wards", "10km race", "al-qaeda", "o'neill", "北京", "Ärzte ohne grenzen",
                                    "st. louis", "don't", "Ill health"])
def test_a_phrase_is_tokenized_as_the_text_is(phrase):
    """Plain words skip the tokenizer when building; whatever the phrase, it must still find
    itself in a text, token for token (special cases such as "cannot" are two tokens)."""
    text = f"before {phrase} after"
    (span,) = PatternMatcher([Pattern("X", phrase)]).match(text)
    assert text[span.start:span.end] == phrase
