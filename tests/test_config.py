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
        ('helo = "a"\nbogus = 1\n', "line 2"),
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
    (folder / "config.toml").write_text('helo = "ok"\ntimeouts = 3\n')
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
