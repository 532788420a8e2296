"""One rule for what an export may be asked: the command line and the Export dialog build the
same ExportChoice (core/formats/exporters/options.py) and so refuse the same combinations."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.formats.exporters.options import EXPORT_ANSWERS, ExportChoice, ExportChoiceError
from annotator.core.text.model import ANSWER_TO_STATUS, ANSWERS, Answer


def test_answers_come_from_one_enum():
    assert ANSWERS == ("accept", "reject", "ignore", "draft")
    assert EXPORT_ANSWERS == (*ANSWERS, "all")
    assert Answer("accept") is Answer.ACCEPT and Answer.ACCEPT == "accept" and str(Answer.REJECT) == "reject"
    assert ANSWER_TO_STATUS["ignore"] == "skipped"  # a stored string finds its status
    assert json.dumps({"answer": Answer.IGNORE}) == '{"answer": "ignore"}'


@pytest.mark.parametrize(("choice", "words"), [
    (ExportChoice("jsonl", reviewed=True, answer="reject"), "drop --answer"),
    (ExportChoice("spacy", gold=True, annotator="dana"), "--gold is one version per document"),
    (ExportChoice("spacy", gold=True, versions=True), "excludes --all-versions"),
    (ExportChoice("conll", tokens=False), "--no-tokens applies to --format jsonl only"),
    (ExportChoice("jsonl", as_predictions=True), "--as-predictions applies to --format label-studio only"),
    (ExportChoice("jsonl", answer="maybe"), "unknown answer 'maybe'"),
    (ExportChoice("xml"), "unknown export format 'xml'"),
])
def test_a_combination_that_makes_no_sense_is_refused_in_words(choice, words):
    with pytest.raises(ExportChoiceError, match=words.replace("-", r"\-")):
        choice.arguments()


def test_the_format_default_stays_the_formats():
    assert ExportChoice("spacy").arguments() == {"annotator": None, "answer": "accept", "reviewed": False,
                                                 "gold": None, "options": {}}
    assert ExportChoice("jsonl", answer="all").arguments()["gold"] is False
    assert ExportChoice("jsonl", tokens=False).arguments()["options"] == {"tokens": False}
    assert ExportChoice("label-studio", as_predictions=True).arguments()["options"] == {"as_predictions": True}


def test_the_command_line_says_the_cores_words(tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "p.db"), "-f", "conll", "--no-tokens",
                                      "-o", str(tmp_path / "out.conll")])
    assert result.exit_code == 2 and "--no-tokens applies to --format jsonl only" in result.output
    assert not (tmp_path / "out.conll").exists()
