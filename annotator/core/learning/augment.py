"""Training copies of the gold in the users' style: lowercased, punctuation dropped.

A cased base model (en_core_web_sm) collapses on lowercased text; trained on lowercased
copies it recovers. So when the base model is cased, every training Example also trains as

    its lowercased copy          spaCy's own augmenter (`spacy.lower_case.v1`)
    its punctuation-free copy    ours, registered as `annotator.drop_punct.v1`
    both at once                 (what the users' text looks like)

A copy whose text equals one already made (gold that is lowercase already) is left out.
Only training Examples are augmented; the held-out part is scored as it is and never
trained on, in any form (core/learning/train.py).

Punctuation dropping works on the reference tokens: tokens that spaCy calls punctuation
(`is_punct`) go; an entity keeps its other tokens (one made only of punctuation goes too);
a kept token takes over the whitespace of the punctuation that followed it, so
"Paris, France." becomes "Paris France".
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from spacy.util import registry

PUNCT_AUGMENTER = "annotator.drop_punct.v1"
LOWER_AUGMENTER = "spacy.lower_case.v1"
# Features of a spaCy embedding layer that see letter case ("Xxxxx", "P" vs "p").
_CASED_ATTRS = {"ORTH", "SHAPE", "PREFIX", "SUFFIX"}

Augmenter = Callable[[Any, Any], Iterator[Any]]


def drop_punct(nlp: Any, example: Any) -> Iterator[Any]:
    """One copy of `example` without its punctuation tokens, entities kept on their words."""
    from spacy.tokens import Doc
    from spacy.training import Example

    ref = example.reference
    keep = [t.i for t in ref if not t.is_punct]
    if len(keep) == len(ref) or not keep:
        yield example  # nothing to drop (or nothing would be left)
        return
    words, spaces = [], []
    for n, i in enumerate(keep):
        nxt = keep[n + 1] if n + 1 < len(keep) else len(ref)
        words.append(ref[i].text)
        # The gap to the next kept token: any whitespace in between keeps them apart.
        spaces.append(any(ref[j].whitespace_ for j in range(i, nxt)) and n + 1 < len(keep))
    new_index = {old: new for new, old in enumerate(keep)}
    tags = ["O"] * len(keep)
    for ent in ref.ents:
        kept = [new_index[i] for i in range(ent.start, ent.end) if i in new_index]
        if kept:
            tags[kept[0]] = f"B-{ent.label_}"
            for k in kept[1:]:
                tags[k] = f"I-{ent.label_}"
    reference = Doc(nlp.vocab, words=words, spaces=spaces, ents=tags)
    yield Example(nlp.make_doc(reference.text), reference)


@registry.augmenters(PUNCT_AUGMENTER)
def create_punct_dropping_augmenter(level: float = 1.0) -> Augmenter:
    """spaCy augmenter: with probability `level`, an Example becomes its copy without
    punctuation tokens (see the module docstring)."""
    import random

    def augment(nlp: Any, example: Any) -> Iterator[Any]:
        if random.random() >= level:
            yield example
        else:
            yield from drop_punct(nlp, example)

    return augment


def is_cased(nlp: Any, component: str = "ner") -> bool:
    """Whether the component's embedding sees letter case (ORTH, SHAPE, PREFIX or SUFFIX among
    its hashed features). Unknown architectures count as cased: a needless copy costs time,
    a missing one costs accuracy."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            attrs = node.get("attrs")
            if isinstance(attrs, (list, tuple)):
                found.update(str(a).upper() for a in attrs)
            for value in node.values():
                walk(value)

    try:
        walk(nlp.config["components"][component])
    except KeyError:
        return True
    return not found or bool(found & _CASED_ATTRS)


def users_style_copies(nlp: Any, examples: Sequence[Any]) -> list[Any]:
    """The lowercased, punctuation-free and lowercased-and-punctuation-free copies of the
    examples, each distinct from its original and from each other (originals not included)."""
    lower = registry.augmenters.get(LOWER_AUGMENTER)(level=1.0)
    punct = registry.augmenters.get(PUNCT_AUGMENTER)(level=1.0)
    out = []
    for example in examples:
        seen = {example.reference.text}
        lowered = next(iter(lower(nlp, example)))
        stripped = next(iter(punct(nlp, example)))
        both = next(iter(punct(nlp, lowered)))
        for copy in (lowered, stripped, both):
            if copy.reference.text not in seen:
                seen.add(copy.reference.text)
                out.append(copy)
    return out
