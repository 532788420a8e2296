"""PySide6-Essentials 6.12.0 on CPython 3.11 aborts (`none_dealloc`) after ~5,000 calls of
void Qt methods. pyproject pins below 6.12 there; this loop proves the installed one survives."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from PySide6.QtCore import QObject
for _ in range(20000):
    QObject().setObjectName("x")
print("survived")
"""


def test_twenty_thousand_void_calls_do_not_abort():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"
