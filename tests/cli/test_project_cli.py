from __future__ import annotations

import click
import orjson
import pytest

from annotator.cli import main
from annotator.core.text.labels import LabelError, check_color
from annotator.core.report.stats import project_stats
from annotator.core.store import Store
from tests.cli.helpers import run


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_command_has_help():
    """Like sqlite-utils' tests/test_docs.py: no command without a description."""
    names = []
    for name, command in _commands(main):
        names.append(name)
        assert command.help and command.help.strip(), f"annotator {name} has no help text"
        result = run(*name.split(), "--help")
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.stdout
    assert {"export", "stats", "labels", "labels list", "labels add"} <= set(names)


def test_export_and_project_options_have_help():
    for name, command in _commands(main):
        if name.split()[0] in ("export", "stats", "labels"):
            for param in command.params:
                if isinstance(param, click.Option):
                    assert param.help, f"annotator {name} {param.opts[0]} has no help text"


def test_project_stats(project):
    with Store(project) as store:
        stats = project_stats(store)
    assert stats["documents"] == 4 and stats["reviewed"] == 1
    assert stats["annotators"]["alice"]["accept"] == 4 and stats["annotators"]["alice"]["total"] == 4
    assert stats["annotators"]["bob"] == {"accept": 1, "reject": 1, "ignore": 0, "draft": 0, "total": 2}
    # accepted spans: alice 5 + 3 + 3 + 0, bob 2
    assert stats["labels"]["PERSON"] == 3 + 1 + 2 and stats["labels"]["GPE"] == 3
    assert stats["labels"]["LOC"] == 0 and sum(stats["labels"].values()) == 13


def test_stats_command(project):
    result = run("stats", "--db", project)
    assert result.exit_code == 0
    assert "Documents: 4" in result.stdout and "alice" in result.stdout and "PERSON" in result.stdout
    data = orjson.loads(run("stats", "--db", project, "--json").stdout)
    assert data["documents"] == 4 and data["annotators"]["bob"]["reject"] == 1


def test_labels_list_add_color_rename_remove(project):
    result = run("labels", "list", "--db", project)
    assert result.exit_code == 0 and result.stdout.splitlines()[0].split() == ["PERSON", "#ee8866", "1"]
    result = run("labels", "add", "PRODUCT", "--color", "#ABC", "--key", "p", "--db", project)
    assert result.exit_code == 0 and "Added label PRODUCT (#aabbcc, key p)" in result.stdout
    result = run("labels", "color", "PRODUCT", "#123456", "--db", project)
    assert result.exit_code == 0
    result = run("labels", "rename", "ORG", "COMPANY", "--db", project)
    assert result.exit_code == 0 and "Renamed label ORG to COMPANY (decisions of 3 documents; labels)" in result.stdout
    result = run("labels", "remove", "PRODUCT", "--db", project)
    assert result.exit_code == 0
    labels = orjson.loads(run("labels", "list", "--json", "--db", project).stdout)
    names = [l["name"] for l in labels]
    assert "COMPANY" in names and "ORG" not in names and "PRODUCT" not in names
    with Store(project) as store:
        doc = store.documents.document_ids()[0]
        assert "COMPANY" in {s.label for s in store.annotations.get_annotation(doc, "alice").spans}


@pytest.mark.parametrize("args,message", [
    (["add", "X", "--color", "red"], "colour 'red' is not a hex colour"),
    (["add", "X", "--key", "1"], "key 1 is already used by label PERSON"),
    (["add", "X", "--key", "ab"], "must be a single letter or digit"),
    (["add", "PERSON"], "label PERSON already exists"),
    (["add", "TWO WORDS"], "must not contain spaces"),
    (["add", "NEW LABEL"], "label name 'NEW LABEL' must not contain spaces"),
    (["add", "  "], "label name must not be empty"),
    (["rename", "PERSON", "NEW LABEL"], "must not contain spaces"),
    (["color", "PERSON", "#12"], "is not a hex colour"),
    (["color", "NOPE", "#123456"], "no label NOPE"),
    (["rename", "NOPE", "X"], "no label NOPE"),
    (["rename", "PERSON", "ORG"], "label ORG already exists"),
    (["remove", "NOPE"], "no label NOPE"),
    (["remove", "PERSON"], "used by 6 spans"),
])
def test_label_errors(project, args, message):
    result = run("labels", *args, "--db", project)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_remove_used_label_with_force(project):
    result = run("labels", "remove", "PERSON", "--force", "--db", project)
    assert result.exit_code == 0 and "6 spans still carry it" in result.stdout


def test_commands_never_create_a_missing_project(tmp_path):
    missing = tmp_path / "none.db"
    for args in (["stats"], ["labels", "list"], ["labels", "add", "X"]):
        result = run(*args, "--db", missing)
        assert result.exit_code == 1 and "no such project file" in result.stderr
    assert not missing.exists()


def test_check_color():
    assert check_color(" #AbC ") == "#aabbcc" and check_color("#1F77B4") == "#1f77b4"
    for bad in ("", "#12345", "#ggg", "123456", "#1234567"):
        with pytest.raises(LabelError):
            check_color(bad)


def test_labels_palette_and_key(project):
    from annotator.core.text.palette import palette_color

    assert run("labels", "color", "PERSON", "#123456", "--db", project).exit_code == 0
    result = run("labels", "palette", "--db", project)
    assert result.exit_code == 0 and result.stdout.splitlines()[0].split() == ["PERSON", palette_color(0)]
    listed = run("labels", "list", "--db", project).stdout.splitlines()
    assert listed[0].split() == ["PERSON", "#ee8866", "1"]
    result = run("labels", "key", "PERSON", "z", "--db", project)
    assert result.exit_code == 0 and run("labels", "list", "--db", project).stdout.splitlines()[0].split()[2] == "z"
    result = run("labels", "key", "ORG", "z", "--db", project)
    assert result.exit_code == 1 and "key z is already used by label PERSON" in result.output
    assert run("labels", "key", "ORG", "-", "--db", project).exit_code == 0
    assert run("labels", "list", "--db", project).stdout.splitlines()[1].split() == ["ORG", "#77aadd", "-"]
