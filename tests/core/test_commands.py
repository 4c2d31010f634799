import pytest

from smtp_tui.core.commands import CommandRefused, check_command, command_verb


@pytest.mark.parametrize("smuggled", ["RCPT TO:<a@b.test>\r\nDATA", "NOOP\nQUIT", "NOOP\r"])
def test_line_breaks_inside_a_command_are_refused(smuggled):
    check = check_command(smuggled)
    assert not check.ok
    assert "second command" in check.errors[0]
    with pytest.raises(CommandRefused):
        check.wire_bytes()


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\x08", "\x9b"])
def test_other_control_characters_are_refused(control):
    check = check_command(f"EHLO a{control}b.test")
    assert not check.ok
    assert "control" in check.errors[0]


def test_a_good_command_goes_out_with_crlf():
    check = check_command("MAIL FROM:<tester@lab.test>")
    assert check.ok and not check.warnings
    assert check.wire_bytes() == b"MAIL FROM:<tester@lab.test>\r\n"


def test_missing_angle_brackets_warn_but_may_be_sent():
    check = check_command("MAIL FROM: tester@lab.test")
    assert check.ok
    assert "angle brackets" in check.warnings[0]
    assert check_command("rcpt to:bob@example.test").warnings


def test_over_512_octets_warns():
    check = check_command("NOOP " + "x" * 600)
    assert check.ok
    assert "512" in check.warnings[0]


def test_non_ascii_is_refused_unless_the_server_announced_smtputf8():
    assert not check_command("RCPT TO:<jörg@bücher.test>").ok
    assert check_command("RCPT TO:<jörg@bücher.test>", smtputf8=True).ok


def test_empty_command_is_refused():
    assert not check_command("   ").ok


def test_verbs_are_read_case_insensitively():
    assert command_verb("mail from:<a@b.test>") == "MAIL"
    assert command_verb("ehlo x") == "EHLO"
