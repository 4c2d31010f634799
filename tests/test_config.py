import pytest

from smtp_tui.config import ConfigError, load_config


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
