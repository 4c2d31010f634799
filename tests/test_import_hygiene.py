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
        "smtp_tui.cli_parsers",
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


# What `smtp-tui check ADDRESS --server IP:PORT` must not load (issue 15): the certificate
# library (no certificate is read without TLS) and the screen's libraries. The check reaches
# its first byte sooner the less it imports.
NOT_FOR_A_PLAIN_CHECK = ("cryptography", "textual", "rich")

_LOADED = (
    "import json, sys; "
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
)


def _loaded_packages(stderr: str) -> set[str]:
    import json

    return set(json.loads(stderr.strip().splitlines()[-1]))


def test_the_check_path_imports_no_tls_no_screen_and_no_dnspython():
    """Importing the check (before it runs) loads no dnspython either: the names to look up
    are known only once the arguments are read."""
    code = f"import smtp_tui.cli, smtp_tui.plain.check; {_LOADED}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = _loaded_packages(result.stderr)
    assert not loaded & {*NOT_FOR_A_PLAIN_CHECK, "dns"}


def _check_arguments(server: str) -> tuple[str, ...]:
    """A `check` of one RCPT dialogue against ``server``, as the benchmark runs it."""
    return (
        "check",
        "alice@example.test",
        "--server",
        server,
        "--helo",
        "client.lab.test",
        "--from",
        "tester@lab.test",
        "--quit-after",
        "rcpt",
        "--timeout",
        "5",
    )


async def _packages_loaded_by_a_check(lab, server: str, *more: str) -> set[str]:
    """The top-level packages a real `check ... --server SERVER` loaded, in a fresh process."""
    import asyncio

    code = f"import sys, smtp_tui.cli; code = smtp_tui.cli.main(sys.argv[1:]); {_LOADED}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        *_check_arguments(server),
        *more,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert "250" in stdout.decode()
    return _loaded_packages(stderr.decode())


async def test_a_check_with_server_ip_loads_no_tls_and_no_screen(lab):
    """The whole RCPT dialogue with --server and an IP address, in a fresh process."""
    loaded = await _packages_loaded_by_a_check(lab, f"127.0.25.1:{lab.smtp_port}")
    assert not loaded & set(NOT_FOR_A_PLAIN_CHECK)


async def test_a_check_with_server_ip_loads_neither_dnspython_nor_asyncio(lab):
    """Nothing is looked up, and the loopless driver runs the dialogue on a blocking socket:
    neither dnspython nor asyncio is imported (issue 15)."""
    loaded = await _packages_loaded_by_a_check(lab, f"127.0.25.1:{lab.smtp_port}")
    assert "dns" not in loaded
    assert "asyncio" not in loaded


async def test_a_check_with_a_server_name_still_looks_it_up(lab):
    """The other side: a name is resolved through dnspython, on asyncio."""
    server = f"mx1.example.test:{lab.smtp_port}"
    loaded = await _packages_loaded_by_a_check(lab, server, "--dns", lab.dns)
    assert {"dns", "asyncio"} <= loaded


# Module by module, what `check ADDRESS --server IP:PORT` (no TLS, no --ip) must not load
# (issue 15): each of these was once on this path, and a plain check that loads it again is
# slower than swaks for nothing. (dnspython's package is "dns"; smtp_tui.core.dns holds the
# look-ups, dns_errors what a check catches.)
NOT_FOR_A_SERVER_IP_CHECK = (
    *NOT_FOR_A_PLAIN_CHECK,
    "asyncio",
    "ssl",
    "email",
    "dns",
    "importlib.metadata",
    "json",
    "tomllib",
    "tempfile",
    "typing",  # only the type checker needs it: TYPE_CHECKING = False on this path
    "pathlib",  # brings urllib.parse, which brings ipaddress
    "urllib",
    "ipaddress",
    "shutil",  # argparse's help width, and with it bz2, lzma and zlib
    "encodings.idna",  # getaddrinfo() given a str host
    "dataclasses",  # inspect, ast, dis, tokenize, and six methods compiled per class
    "inspect",
    "smtp_tui.core.dns",
    "smtp_tui.core.connection",
    "smtp_tui.core.tls",
    "smtp_tui.core.explain",
)

# The child runs without `site` (-S): the development venv's editable finder imports pathlib,
# urllib and ipaddress at start-up, which would hide them. The package and its dependencies
# are put on sys.path by hand instead (no .pth file is run).
_MODULES_LOADED = """\
import sys
sys.path[:0] = sys.argv[1:3]
before = set(sys.modules)
import smtp_tui.cli
code = smtp_tui.cli.main(sys.argv[3:])
print(" ".join(sorted(set(sys.modules) - before)), file=sys.stderr)
raise SystemExit(code)
"""


async def test_a_check_with_server_ip_loads_only_what_it_runs(lab):
    """Every module a whole `--server IP` RCPT dialogue adds to the interpreter's own, in a
    fresh process: none of the heavy or merely convenient ones above."""
    import asyncio
    import sysconfig
    from pathlib import Path

    import smtp_tui

    root = str(Path(smtp_tui.__file__).resolve().parents[1])
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-S",
        "-c",
        _MODULES_LOADED,
        root,
        sysconfig.get_paths()["purelib"],
        *_check_arguments(f"127.0.25.1:{lab.smtp_port}"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert "250" in stdout.decode() and "Transcript saved to" in stdout.decode()
    loaded = set(stderr.decode().split())
    assert "smtp_tui.core.blocking_connection" in loaded  # the loopless driver ran it
    unwanted = {
        module
        for module in loaded
        for name in NOT_FOR_A_SERVER_IP_CHECK
        if module == name or module.startswith(name + ".")
    }
    assert not unwanted
