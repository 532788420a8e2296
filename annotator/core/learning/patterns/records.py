"""A pattern: a label and what it matches, as in Prodigy's match-pattern JSONL.

Two shapes, both Prodigy's:
- a phrase, `{"label": "ORG", "pattern": "halvard line"}`: the phrase's tokens in a row,
  ignoring case (the users' text is lowercased; Prodigy itself matches phrases with their case);
- a token pattern, `{"label": "GPE", "pattern": [{"lower": "new"}, {"lower": "york"}]}`: spaCy
  Matcher token attributes, keys in any case, with OP and the value predicates (IN, REGEX, ...).

Patterns are matched on the tokenizer's words, never with a statistical pipeline, so the
attributes that need a tagger, parser or entity recognizer (POS, TAG, MORPH, LEMMA, DEP, ENT_*,
SENT_START) are refused with a one-line error, as is any name spaCy's Matcher does not know.

A pattern's key is its content (label, shape and canonical form: a phrase lowercased with its
whitespace collapsed, a token pattern with its attribute names in upper case), the same in every
project: it de-duplicates imports and identifies the pattern in a merge and on the team hub.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.text.labels import LabelError, check_name


class PatternError(AnnotatorError, ValueError):
    """A pattern is not valid; the message is one line, without the file and line."""


MAX_PHRASE_CHARS = 1_000
MAX_TOKENS = 50
MAX_PATTERN_BYTES = 10_000  # of the pattern's JSON (the hub's CHECK says the same)

# Attributes the tokenizer alone gives (spaCy's TokenPattern schema, minus the pipeline's).
STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "SHAPE"})
FLAG_ATTRS = frozenset({
    "SPACY", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
    "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY", "IS_STOP", "LIKE_NUM",
    "LIKE_URL", "LIKE_EMAIL"})
TOKEN_ATTRS = STRING_ATTRS | FLAG_ATTRS | {"LENGTH", "OP"}
NEEDS_PIPELINE = frozenset({"POS", "TAG", "MORPH", "LEMMA", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID",
                            "SENT_START", "IS_SENT_START", "_"})
_OP = re.compile(r"[!?+*]|\{\d*(?:,\d*)?\}")


@dataclass(frozen=True, eq=False)
class Pattern:
    """A label and a phrase (str) or a token pattern (list of dicts), as given. `id`, `author`
    and `changed` are the project's (None for a pattern read from a file)."""

    label: str
    pattern: Any
    id: int | None = None
    author: str | None = None
    changed: float | None = None

    @property
    def is_phrase(self) -> bool:
        return isinstance(self.pattern, str)

    @property
    def key(self) -> str:
        return pattern_key(self.label, self.pattern)

    def text(self) -> str:
        """How the pattern is shown: the phrase, or the token pattern's compact JSON."""
        return self.pattern if self.is_phrase else dumps_pattern(self.pattern)

    def to_json(self) -> dict[str, Any]:
        """The Prodigy match-pattern line."""
        return {"label": self.label, "pattern": self.pattern}


def dumps_pattern(pattern: Any) -> str:
    return orjson.dumps(pattern).decode("utf-8")


def canonical(pattern: Any) -> str:
    """What makes two patterns the same: a phrase lowercased with whitespace collapsed (it
    matches ignoring case); a token pattern with upper-case attribute names, keys sorted."""
    if isinstance(pattern, str):
        return " ".join(pattern.lower().split())
    tokens = [{str(k).upper(): v for k, v in token.items()} for token in pattern]
    return orjson.dumps(tokens, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def pattern_key(label: str, pattern: Any) -> str:
    kind = "phrase" if isinstance(pattern, str) else "tokens"
    return hashlib.sha256(f"{kind}\x1f{label}\x1f{canonical(pattern)}".encode("utf-8", "surrogatepass")
                          ).hexdigest()[:16]


@functools.lru_cache(maxsize=256)
def _label(label: str) -> str:
    """A label checked once per name (a term list repeats it 100,000 times)."""
    try:
        label = check_name(label, strip=False)
    except LabelError as exc:
        raise PatternError(str(exc)) from None
    if "\x00" in label:
        raise PatternError("the label contains a NUL character")
    return label


def check_pattern(label: Any, pattern: Any) -> Pattern:
    """A valid Pattern from a label and a pattern value, or PatternError saying what is wrong."""
    if not isinstance(label, str):
        raise PatternError(f"label name {label!r} is not text")
    label = _label(label)
    if isinstance(pattern, str):
        phrase = pattern.strip()
        if not phrase:
            raise PatternError("empty pattern")
        if "\x00" in phrase:
            raise PatternError("the pattern contains a NUL character")
        if len(phrase) > MAX_PHRASE_CHARS:
            raise PatternError(f"the phrase is {len(phrase):,} characters long; at most {MAX_PHRASE_CHARS:,}")
        return Pattern(label, phrase)
    if not isinstance(pattern, list):
        raise PatternError(f"\"pattern\" must be a phrase (text) or a list of token objects, not {_kind(pattern)}")
    if not pattern:
        raise PatternError("empty pattern")
    if len(pattern) > MAX_TOKENS:
        raise PatternError(f"the pattern has {len(pattern)} tokens; at most {MAX_TOKENS}")
    plain = True
    matters = False
    for n, token in enumerate(pattern, 1):
        token_plain, token_matters = _check_token(n, token)
        plain = plain and token_plain
        matters = matters or token_matters
    if not matters:
        raise PatternError("the pattern has no attribute to match: it would match any word")
    raw = dumps_pattern(pattern)
    if len(raw) > MAX_PATTERN_BYTES:
        raise PatternError(f"the pattern is {len(raw):,} bytes of JSON; at most {MAX_PATTERN_BYTES:,}")
    if "\\u0000" in raw:
        raise PatternError("the pattern contains a NUL character")
    if not plain:
        _spacy_check(pattern)
    return Pattern(label, pattern)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "null"}.get(type(value), type(value).__name__)


def _check_token(n: int, token: Any) -> tuple[bool, bool]:
    """Check one token's attribute names (and plain values). Returns (plain, matters): plain
    when spaCy's own check of the values is not needed (every value a plain string, flag or
    length); matters when it has an attribute besides OP."""
    if type(token) is dict and len(token) == 1:  # the usual {"lower": "york"}, checked quickly
        ((name, value),) = token.items()
        if type(value) is str and type(name) is str and name.upper() in STRING_ATTRS and "\x00" not in value:
            return True, True
    if not isinstance(token, dict):
        raise PatternError(f"token {n} is {_kind(token)}, not an object of token attributes")
    plain = True
    for name, value in token.items():
        attr = str(name).upper()
        if attr in NEEDS_PIPELINE or attr.startswith("_"):
            raise PatternError(f"token {n}: {name} needs a trained pipeline (tagger, parser or entity "
                               "recognizer); patterns are matched on the tokenizer's words: use ORTH, LOWER, "
                               "SHAPE, LENGTH, IS_* or LIKE_*")
        if attr not in TOKEN_ATTRS:
            raise PatternError(f"token {n}: {name!r} is not a token attribute spaCy's Matcher knows "
                               "(ORTH, TEXT, LOWER, NORM, SHAPE, LENGTH, IS_*, LIKE_*, SPACY, OP)")
        if isinstance(value, str) and "\x00" in value:
            raise PatternError(f"token {n}: {name} contains a NUL character")
        if attr == "OP":
            if not isinstance(value, str) or not _OP.fullmatch(value):
                raise PatternError(f"token {n}: OP {value!r} is not one of ! ? + * {{n}} {{n,m}} {{n,}} {{,m}}")
        elif attr in STRING_ATTRS:
            if not isinstance(value, (str, dict)):
                raise PatternError(f"token {n}: {name} must be text (or an object such as {{\"IN\": [...]}}), "
                                   f"not {_kind(value)}")
            plain = plain and isinstance(value, str)
        elif attr in FLAG_ATTRS:
            if not isinstance(value, bool):
                raise PatternError(f"token {n}: {name} must be true or false, not {_kind(value)}")
        elif attr == "LENGTH":
            if isinstance(value, bool) or not isinstance(value, (int, dict)):
                raise PatternError(f"token {n}: LENGTH must be a whole number (or an object such as "
                                   f"{{\">=\": 3}}), not {_kind(value)}")
            plain = plain and isinstance(value, int)
    return plain, any(str(name).upper() != "OP" for name in token)


@functools.lru_cache(maxsize=1)
def _checker() -> Any:
    from spacy.matcher import Matcher

    from annotator.core.text.tokens import blank_nlp

    return Matcher(blank_nlp("en").vocab, validate=True)


def _spacy_check(pattern: list[dict[str, Any]]) -> None:
    """spaCy's own validation of a token pattern's values (IN lists, REGEX, comparisons),
    its multi-line message made one line."""
    from spacy.errors import MatchPatternError

    matcher = _checker()
    try:
        matcher.add("annotator-pattern-check", [pattern])
    except MatchPatternError as exc:
        raise PatternError(_one_line(str(exc))) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise PatternError(f"spaCy's Matcher refuses the pattern: {str(exc).splitlines()[0] if str(exc) else exc}"
                           ) from None
    finally:
        if "annotator-pattern-check" in matcher:
            matcher.remove("annotator-pattern-check")


_LOCATION = re.compile(r"^- \[pattern -> (\d+) -> ([^\]]*?)\] (.*)$")


def _one_line(message: str) -> str:
    """'- [pattern -> 1 -> LOWER -> IN] Input should be a valid list' -> 'token 2: LOWER IN: ...'."""
    for line in message.splitlines():
        found = _LOCATION.match(line.strip())
        if found:
            where = " ".join(part for part in found.group(2).split(" -> ")
                             if not part.startswith(("TokenPattern", "Underscore")) and part not in ("int", "float"))
            return f"token {int(found.group(1)) + 1}: {where}: {found.group(3).rstrip('.')}"
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return "spaCy's Matcher refuses the pattern: " + (lines[-1] if lines else "invalid")
