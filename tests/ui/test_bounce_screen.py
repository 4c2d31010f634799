"""The bounce screen (F3): paste a bounce, read who failed and why, choose one to re-test."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from smtp_tui.core.steps import Step
from smtp_tui.ui.screens.bounce import BounceChoice, BouncePasteArea, BounceScreen

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bounces"
NO_CHOICE = object()


class Harness(App[None]):
    """Pushes the bounce screen alone and keeps what it returns."""

    def __init__(self, *, demo: bool = False, bounce: bytes | None = None) -> None:
        super().__init__()
        self.demo = demo
        self.bounce = bounce
        self.result: object = NO_CHOICE
        self.notes: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(BounceScreen(demo=self.demo, bounce=self.bounce), self.keep)

    def keep(self, choice: BounceChoice | None) -> None:
        self.result = choice

    def notify(self, message: str, **kwargs: object) -> None:
        self.notes.append(message)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_of(app: App[None]) -> BounceScreen:
    assert isinstance(app.screen, BounceScreen)
    return app.screen


async def paste(pilot: Pilot[None], text: str) -> None:
    """A terminal paste (bracketed paste arrives as one Paste event)."""
    screen_of(pilot.app).paste_area.post_message(events.Paste(text))
    await pilot.pause()


def shown_lines(widget: OptionList | Static) -> str:
    """What the widget puts on the screen, line by line (markup would be gone here)."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


def option_text(options: OptionList, index: int) -> str:
    return str(options.get_option_at_index(index).prompt)


async def test_a_pasted_bounce_lists_the_failed_recipient_and_enter_chooses_it():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await paste(pilot, (FIXTURES / "postfix-unknown-user.eml").read_text())
        await pilot.press("f5")
        await settle(pilot)
        screen = screen_of(app)
        options = screen.recipient_list
        assert options.option_count == 1
        entry = option_text(options, 0)
        assert "nobody@receiver.example: failed" in entry
        assert "status 5.1.1, reply 550, at RCPT TO, remote host mx1.receiver.example" in entry
        assert "User unknown" in entry
        assert "Category: recipient-unknown · their side" in entry
        assert "Meaning: " in entry
        assert app.focused is options
        verdict = str(screen.query_one("#bounce-verdict", Static).render())
        assert verdict.startswith("Their side: The destination refused at RCPT TO")

        await pilot.press("enter")
        await pilot.pause()
        choice = app.result
        assert isinstance(choice, BounceChoice)
        assert choice.address == "nobody@receiver.example"
        assert choice.sender == "jane@sender.example"
        assert choice.remote_host == "mx1.receiver.example"
        assert choice.failed_command == "RCPT"
        assert choice.failed_step is Step.RCPT
        assert choice.report.failures[0] is choice.recipient


async def test_two_recipients_each_listed_and_the_second_can_be_chosen():
    app = Harness(bounce=(FIXTURES / "exim-two-recipients.eml").read_bytes())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        options = screen_of(app).recipient_list
        assert "1. carol@receiver.example: failed" in option_text(options, 0)
        second = option_text(options, 1)
        assert "2. dave@other.example: failed" in second
        assert "your side" in second
        await pilot.press("down", "enter")
        await pilot.pause()
        choice = app.result
        assert isinstance(choice, BounceChoice)
        assert choice.address == "dave@other.example"
        assert choice.failed_step is Step.MAIL


async def test_markup_in_a_bounce_is_shown_literally():
    bounce = (
        "<bob@receiver.example>: host mx.receiver.example[198.51.100.1] said: 550 5.1.1\n"
        "    <bob@receiver.example>: [bold]x[/] User unknown (in reply to RCPT TO command)\n"
    )
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await paste(pilot, bounce)
        await pilot.press("f5")
        await settle(pilot)
        options = screen_of(app).recipient_list
        assert "[bold]x[/] User unknown" in option_text(options, 0)
        assert "[bold]x[/] User unknown" in shown_lines(options)


async def test_terminal_escapes_in_a_paste_are_made_visible():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await paste(pilot, "Subject: hi\x1b]52;c;AAAA\x07\r\nline two\twith a tab")
        area = screen_of(app).query_one(BouncePasteArea)
        assert area.text == "Subject: hi\\x1b]52;c;AAAA\\x07\nline two\twith a tab"


async def test_escape_returns_none():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await paste(pilot, (FIXTURES / "postfix-unknown-user.eml").read_text())
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None
        assert not isinstance(app.screen, BounceScreen)


async def test_when_nothing_is_recognised_the_screen_says_what_it_saw():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await paste(pilot, (FIXTURES / "not-a-bounce.eml").read_text())
        await pilot.press("ctrl+r")  # the second key for F5
        await settle(pilot)
        screen = screen_of(app)
        said = str(screen.query_one("#bounce-verdict", Static).render())
        assert said.startswith("No failed or delayed recipient found")
        assert 'Seen: a message (subject "Hello")' in said
        assert screen.recipient_list.option_count == 0
        assert app.focused is screen.paste_area


async def test_an_empty_area_is_not_read():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert screen_of(app).report is None
        assert app.notes == ["Paste a bounce first."]


async def test_the_demo_offers_the_labs_bounces_and_enter_loads_one():
    app = Harness(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        demos = screen_of(app).query_one("#bounce-demos", OptionList)
        assert app.focused is demos
        assert demos.option_count >= 5
        assert "Postfix: carol@example.test" in option_text(demos, 0)
        demos.post_message(events.Paste("pasted while the list has the focus"))
        await pilot.pause()
        assert screen_of(app).paste_area.text == "pasted while the list has the focus"
        assert app.focused is screen_of(app).paste_area
        demos.focus()
        await pilot.press("enter")  # loads the first one and reads it
        await settle(pilot)
        screen = screen_of(app)
        assert screen.paste_area.text.startswith("Return-Path:")
        assert "carol@example.test: failed" in option_text(screen.recipient_list, 0)
        await pilot.press("f4")  # back to an empty area and the list of demo bounces
        await pilot.pause()
        assert app.focused is demos
        assert screen.paste_area.text == ""
        await pilot.press("down", "down", "down", "enter")  # the greylisted one
        await settle(pilot)
        entry = option_text(screen.recipient_list, 0)
        assert "alice@greylist.test: delayed" in entry
        assert "Category: greylisted" in entry
        await pilot.press("enter")
        await pilot.pause()
        choice = app.result
        assert isinstance(choice, BounceChoice)
        assert choice.address == "alice@greylist.test"
        assert choice.remote_host == "mx.greylist.test"
