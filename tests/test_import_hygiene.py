"""The core and plain mode must never pull in Textual or Rich."""

import subprocess
import sys

import pytest

CORE_MODULES = [
    "smtp_tui.core.replies",
    "smtp_tui.core.commands",
    "smtp_tui.core.session",
    "smtp_tui.core.connection",
    "smtp_tui.core.dns",
    "smtp_tui.core.transcript",
    "smtp_tui.core.journal",
    "smtp_tui.core.sanitize",
]


@pytest.mark.parametrize("module", [*CORE_MODULES, "smtp_tui.plain", "smtp_tui.cli"])
def test_module_imports_no_ui(module):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
