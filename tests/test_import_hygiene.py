"""The core and plain mode must never pull in Textual or Rich."""

import pkgutil
import subprocess
import sys

import pytest

import smtp_tui.core

CORE_MODULES = sorted(
    f"smtp_tui.core.{info.name}" for info in pkgutil.iter_modules(smtp_tui.core.__path__)
)


def test_every_core_module_is_checked():
    assert {"smtp_tui.core.replies", "smtp_tui.core.dnsbl", "smtp_tui.core.verdict"} <= set(
        CORE_MODULES
    )


@pytest.mark.parametrize(
    "module",
    [
        *CORE_MODULES,
        "smtp_tui.plain.check",
        "smtp_tui.plain.blacklist",
        "smtp_tui.plain.output",
        "smtp_tui.cli",
    ],
)
def test_module_imports_no_ui(module):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
