import pytest

from smtp_tui.core.config import ConfigError, load_config


def test_missing_file_is_an_empty_config(tmp_path):
    assert load_config(tmp_path / "none.toml").helo is None


def test_values_and_timeouts_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('helo = "mail.example.org"\n[timeouts]\nconnect = 3\n')
    config = load_config(path)
    assert config.helo == "mail.example.org"
    assert config.timeouts == {"connect": 3.0}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('helo = "x\n', "line 1"),
        ('helo = "mail.example.org"\nbogus = 1\n', "line 2"),
        ("[timeouts]\nconnect = -1\n", "positive"),
        ("helo = 3\n", "string"),
    ],
)
def test_bad_config_names_the_file_and_the_line(tmp_path, content, expected):
    path = tmp_path / "config.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_keys_and_blacklists_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ncopy-ticket = "ctrl+k"\n[blacklists]\nenable = ["x.test"]\n')
    config = load_config(path)
    assert config.keymap == {"copy-ticket": "ctrl+k"}
    assert config.blacklists_enable == ("x.test",)


def test_a_bad_config_file_stops_the_command_with_its_path(tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "cfg" / "smtp-tui"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('helo = "mail.example.org"\ntimeouts = 3\n')
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    result = subprocess.run(
        [sys.executable, "-m", "smtp_tui", "check", "--demo", "a@b.test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "config.toml" in result.stderr and "line 2" in result.stderr
    assert "Traceback" not in result.stderr


def _config_error(tmp_path, content: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    return message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1.5", "0"])
def test_a_timeout_must_be_finite_and_positive(tmp_path, value):
    message = _config_error(tmp_path, f"[timeouts]\nconnect = {value}\n")
    assert "[timeouts] connect" in message and "line 2" in message
    assert "finite, positive" in message


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('dns = "9.9.9.9:\u0665\u0663"\n', "dns"),  # Arabic-Indic 53
        ('dns = "9.9.9.9:\u00b2"\n', "dns"),
        ('dns = "resolver.example"\n', "dns"),
        ('ip = "not-an-ip"\n', "ip"),
        ('helo = "a b"\n', "helo"),
        ('mail_from = "nobody"\n', "mail_from"),
    ],
)
def test_a_bad_value_names_the_file_and_key_not_the_option(tmp_path, content, key):
    message = _config_error(tmp_path, content)
    assert f": {key} = " in message and "line 1" in message
    assert "--" not in message


def test_a_long_value_is_cut_when_echoed(tmp_path):
    message = _config_error(tmp_path, f'helo = "{"x" * 1_000_000}"\n')
    assert "…" in message and len(message) < 400


def test_a_long_bad_key_name_is_cut_when_echoed(tmp_path):
    message = _config_error(tmp_path, f"{'k' * 100_000} = 1\n")
    assert "…" in message and len(message) < 400


def test_good_values_are_kept(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'helo = "[192.0.2.1]"\nmail_from = "<>"\ndns = "[::1]:5353"\nip = "192.0.2.25"\n'
        "[timeouts]\nconnect = 2.5\n"
    )
    config = load_config(path)
    assert (config.helo, config.mail_from, config.dns, config.ip) == (
        "[192.0.2.1]",
        "<>",
        "[::1]:5353",
        "192.0.2.25",
    )
    assert config.timeouts == {"connect": 2.5}


def _keymap_error(keymap: dict[str, str]) -> str:
    from smtp_tui.ui.keymap import checked_keymap

    with pytest.raises(ConfigError) as caught:
        checked_keymap(keymap, "/home/u/.config/smtp-tui/config.toml")
    message = str(caught.value)
    assert "/home/u/.config/smtp-tui/config.toml" in message
    return message


@pytest.mark.parametrize(
    "keys", ["ctrl+nonsense", "nonsense", "hyperdrive+k", "ctrl+", "ctrl+k,", "ctrl+k, f99"]
)
def test_a_key_that_does_not_parse_is_an_error_naming_the_binding(keys):
    message = _keymap_error({"quit": keys})
    assert "[keys] quit" in message


def test_an_unknown_binding_id_is_an_error_naming_it():
    message = _keymap_error({"qiut": "ctrl+q"})
    assert "'qiut'" in message and "is not a binding id" in message


def test_a_long_key_value_is_cut_when_echoed():
    message = _keymap_error({"quit": "x" * 100_000})
    assert "…" in message and len(message) < 400


def test_good_keys_pass_and_the_old_skip_tls_id_means_starttls():
    from smtp_tui.ui.keymap import checked_keymap

    keymap = {
        "copy-ticket": "ctrl+k",
        "quit": "ctrl+q, f10",
        "skip-tls": "f7",
        "wrap": "ctrl+w",
        "bounce": "question_mark",
        "both-families": "ctrl+shift+up",
        "help": "?",
    }
    checked = checked_keymap(keymap, "config.toml")
    assert checked["starttls"] == "f7" and "skip-tls" not in checked
    assert checked["quit"] == "ctrl+q, f10"


def test_config_keymap_checks_the_loaded_file(tmp_path):
    from smtp_tui.ui.keymap import config_keymap

    path = tmp_path / "config.toml"
    path.write_text('[keys]\nquit = "ctrl+nonsense"\n')
    with pytest.raises(ConfigError, match=r"config.toml.*\[keys\] quit"):
        config_keymap(load_config(path))


def test_without_a_home_there_is_no_config_rather_than_one_under_a_folder_named_tilde(
    monkeypatch, tmp_path
):
    import os

    from smtp_tui.core import config

    monkeypatch.chdir(tmp_path)
    found = tmp_path / "~" / ".config" / "smtp-tui"
    found.mkdir(parents=True)
    (found / "config.toml").write_text('theme = "nord"\n')
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # no HOME, no passwd
    assert config.load_config() == config.Config()
