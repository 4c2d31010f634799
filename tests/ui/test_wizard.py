"""Driving the guided screen with the keyboard, against the lab running inside the app."""

import pyperclip
from textual.widgets import Input, Log, Static

from smtp_tui.core.steps import FIVE_STEPS, Step, StepStatus
from smtp_tui.ui.screens.main import MainScreen
from smtp_tui.ui.widgets.mx_panel import MxPanel
from tests.ui.conftest import demo_app, settle, settle_group


def screen_of(app) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def command(app) -> Input:
    return app.screen.query_one("#command", Input)


def text_of(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def statuses(app) -> list[StepStatus]:
    book = app.guided.book
    return [book.status(step) for step in FIVE_STEPS]


async def start(pilot):
    await settle(pilot)
    assert command(pilot.app).value  # the demo pre-fills step 1


async def press_enter_and_settle(pilot, times=1):
    for _ in range(times):
        await pilot.press("enter")
        await settle(pilot)


async def test_enter_alone_walks_the_happy_path():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        assert command(app).value == "alice@example.test"
        await press_enter_and_settle(pilot)
        assert command(app).value.startswith("mx1.example.test ")
        await press_enter_and_settle(pilot)
        assert command(app).value == "EHLO client.lab.test"
        await press_enter_and_settle(pilot, times=3)
        assert statuses(app) == [StepStatus.PASSED] * 5
        assert screen_of(app).shown_step is None  # the free command line
        assert "Summary" in text_of(app, "summary")
        lines = app.screen.query_one(Log).lines
        assert "<-  250 2.1.5 Recipient OK" in lines


async def test_an_edited_command_is_sent_as_edited():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=3)
        command(app).value = "MAIL FROM:<someone.else@lab.test>"
        await press_enter_and_settle(pilot)
        assert " -> MAIL FROM:<someone.else@lab.test>" in app.screen.query_one(Log).lines


async def test_unknown_user_is_rejected_at_rcpt_with_its_meaning():
    app = demo_app("nobody@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=5)
        assert statuses(app)[4] is StepStatus.FAILED
        assert "550 5.1.1" in text_of(app, "reply")
        assert "Meaning:" in text_of(app, "meaning")


async def test_primary_mx_refusing_then_picking_the_secondary():
    app = demo_app("alice@failover.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot)
        assert command(app).value.startswith("down.failover.test ")
        await press_enter_and_settle(pilot)
        assert statuses(app)[1] is StepStatus.FAILED
        assert "refused" in text_of(app, "status")
        # The next MX is offered; the user picks it in the MX table instead, to be sure.
        table = app.screen.query_one(MxPanel)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert command(app).value.startswith("mx2.example.test ")
        await press_enter_and_settle(pilot)
        assert statuses(app)[1] is StepStatus.PASSED


async def test_f6_offers_the_next_mx():
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot)
        await pilot.press("f6")
        assert command(app).value.startswith("mx2.example.test ")


async def test_escape_cancels_a_wait_on_a_silent_server():
    app = demo_app("alice@tarpit.test", timeout=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        # The steps' own work only: the transport-policy probe waits on the tarpit MX for the
        # whole timeout in the background.
        await pilot.press("enter")
        await settle_group(pilot, "network")
        assert app.guided.book.shown_status(Step.MX) is StepStatus.PASSED
        await pilot.press("enter")  # connect: the tarpit never greets
        screen = screen_of(app)
        await pilot.pause()
        assert screen._pending_since is not None
        assert "Esc cancels" in text_of(app, "status")
        await pilot.press("escape")
        await settle_group(pilot, "network")
        assert screen._pending_since is None
        assert "Cancelled" in text_of(app, "status")
        assert app.guided.book.shown_status(Step.CONNECT) is StepStatus.CURRENT
        # Typing still works after the cancel.
        await pilot.press("x")
        assert command(app).value.endswith("x")


async def test_a_crlf_in_a_command_cannot_be_sent():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=3)
        sent_before = [line for line in app.screen.query_one(Log).lines if " -> " in line]
        command(app).value = "MAIL FROM:<a@lab.test>\r\nRCPT TO:<x@elsewhere.test>"
        await press_enter_and_settle(pilot)
        assert "second command" in text_of(app, "check")
        assert "Nothing was sent" in text_of(app, "check")
        sent_after = [line for line in app.screen.query_one(Log).lines if " -> " in line]
        assert sent_after == sent_before


async def test_missing_brackets_warn_first_and_send_on_the_second_enter():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=3)
        command(app).value = "MAIL FROM:tester@lab.test"
        await pilot.pause()
        assert "angle brackets" in text_of(app, "check")
        await press_enter_and_settle(pilot)
        assert "Press Enter again" in text_of(app, "check")
        await press_enter_and_settle(pilot)
        assert "501" in text_of(app, "reply")


async def test_copy_puts_the_ticket_in_the_clipboard_even_when_pyperclip_fails(monkeypatch):
    def no_clipboard(text):
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=5)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.clipboard.startswith("## SMTP test transcript")
        assert "250 2.1.5 Recipient OK" in app.clipboard
        messages = [str(n.message) for n in app._notifications]
        assert any("local clipboard: not available" in m and "saved to" in m for m in messages)


async def test_save_writes_markdown_and_text(private_dirs):
    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=2)
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = sorted((private_dirs / "state" / "smtp-tui" / "transcripts").iterdir())
    assert any(path.suffix == ".md" for path in saved)
    assert any(path.suffix == ".txt" for path in saved)
    assert any(path.suffix == ".log" for path in saved)  # the journal


async def test_free_command_line_remembers_history():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=5)
        command(app).value = "NOOP"
        await press_enter_and_settle(pilot)
        assert "250" in text_of(app, "reply")
        await pilot.press("up")
        assert command(app).value == "NOOP"


async def test_going_back_to_an_earlier_step():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=5)
        steps = app.screen.query_one("#steps")
        steps.focus()
        steps.highlighted = steps.get_option_index(Step.MAIL.value)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_of(app).shown_step is Step.MAIL
        assert command(app).value == "MAIL FROM:<tester@lab.test>"


async def test_ctrl_q_says_quit_to_a_live_server():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await press_enter_and_settle(pilot, times=3)
        await pilot.press("ctrl+q")
        await pilot.pause()
    sent = [e.text for e in app.guided.transcript.events if e.kind.value == "sent"]
    assert sent[-1] == "QUIT"
    journal = app.guided.journal.path.read_text()
    assert " -> QUIT" in journal and "# Verdict" in journal


async def test_help_screen_opens_with_f1():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_keys_can_be_remapped_by_binding_id():
    from smtp_tui.core.options import build_options
    from smtp_tui.ui.app import make_app

    options = build_options(timeout=5.0, demo=True)
    app = make_app(options, keymap={"explain": "f12"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExplainScreen"


async def test_a_malformed_domain_gets_a_clear_error_and_nothing_breaks():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        command(app).value = "not a domain"
        await press_enter_and_settle(pilot)
        assert "spaces" in text_of(app, "status")
        assert app.guided.book.shown_status(Step.MX) is StepStatus.CURRENT
        command(app).value = "nobody@nowhere.test"
        await press_enter_and_settle(pilot)
        assert app.guided.book.status(Step.MX) is StepStatus.FAILED
        assert "does not exist" in text_of(app, "summary")  # the verdict, as things stand


async def test_f2_explains_a_pasted_ndr_line():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("f2")
        await pilot.pause()
        field = app.screen.query_one("#explain-input", Input)
        assert field.has_focus
        field.value = "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen"
        await pilot.press("enter")
        await pilot.pause()
        shown = str(app.screen.query_one("#explanation", Static).render())
        assert "sender-ip-blocked" in shown and "Whose side: yours" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
