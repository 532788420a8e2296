"""The person's own settings (shortcuts, theme, text size) back to the defaults after a test:
they live in the test session's throwaway config folder (tests/conftest.py), shared by tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def fresh_prefs():
    from annotator.gui.editor import span_style
    from annotator.gui.keymap import keymap
    from annotator.gui.theme import SYSTEM, appearance

    yield
    keymap().reset()
    look = appearance()
    look.set_theme(SYSTEM)
    look.set_text_points(span_style.TEXT_POINT_SIZE)
