"""The wizard's optional steps: STARTTLS, a test message, HELO, and the port probe."""

from textual.widgets import Input, Log, Static, TextArea

from smtp_tui.core.session import Step, StepStatus
from tests.ui.conftest import demo_app, settle


def text_of(app, widget_id):
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def command(app):
    return app.screen.query_one("#command", Input)


async def enter(pilot, times=1):
    for _ in range(times):
        await pilot.press("enter")
        await settle(pilot)


async def test_starttls_is_offered_after_ehlo_then_ehlo_again_inside_tls():
    app = demo_app("alice@tls.test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 3)
        # The method tests without encryption first: Enter goes on to MAIL FROM, and the
        # optional STARTTLS row waits for F7.
        assert app.screen.shown_step is Step.MAIL
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.shown_step is Step.STARTTLS
        assert command(app).value == "STARTTLS"
        await enter(pilot)
        assert app.screen.shown_step is Step.EHLO
        meaning = text_of(app, "meaning")
        assert "Certificate:" in meaning and "Name matches the MX host: yes" in meaning
        await enter(pilot)  # EHLO again, inside TLS
        assert app.screen.shown_step is Step.MAIL
        assert any(line.startswith(" ~> EHLO") for line in app.screen.query_one(Log).lines)


async def test_f7_on_the_starttls_row_leaves_the_connection_plain():
    app = demo_app("alice@tls.test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 3)
        await pilot.press("f7")  # offered after EHLO: go to the optional row
        await pilot.pause()
        assert app.screen.shown_step is Step.STARTTLS
        await pilot.press("f7")  # on it: skip it
        await pilot.pause()
        assert app.screen.shown_step is Step.MAIL
        assert app.guided.book.status(Step.STARTTLS) is StepStatus.SKIPPED


async def test_a_test_message_needs_confirmation_and_shows_the_queue_id():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 5)
        await pilot.press("f8")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmMessageScreen"
        assert "REAL message" in str(app.screen.query_one("#warning", Static).render())
        app.screen.query_one(TextArea).text = "Hello from the test.\n.a dotted line"
        await pilot.press("f8")
        await settle(pilot)
        lines = app.screen.query_one(Log).lines
        assert " -> DATA" in lines and " -> ..a dotted line" in lines
        assert "Queue id: 4A1B2C" in text_of(app, "meaning") or "Queue id:" in text_of(
            app, "meaning"
        )


async def test_backing_out_of_the_test_message_sends_nothing():
    app = demo_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await enter(pilot, 5)
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert " -> DATA" not in app.screen.query_one(Log).lines


async def test_typing_data_on_the_free_line_points_to_f8():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 5)
        command(app).value = "DATA"
        await enter(pilot)
        assert "F8" in text_of(app, "status")
        assert " -> DATA" not in app.screen.query_one(Log).lines


async def test_ehlo_not_understood_offers_helo():
    app = demo_app("alice@noehlo.test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 3)
        assert command(app).value == "HELO client.lab.test"
        await enter(pilot)
        assert app.guided.book.status(Step.EHLO) is StepStatus.PASSED


async def test_port_25_timing_out_then_f9_probes_587_and_465():
    app = demo_app("alice@portblock.test", timeout=1.0)  # the lab drops port 25's SYNs
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot, 2)
        assert "F9" in text_of(app, "hint")
        await pilot.press("f9")
        await settle(pilot)
        assert "block on the sending side" in text_of(app, "status")
        summary = text_of(app, "summary")
        assert "Verdict (your side)" in summary and "block on the sending side" in summary


async def test_picking_port_465_in_the_lab_connects_with_tls_from_the_first_byte():
    app = demo_app("alice@tls.test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await enter(pilot)
        command(app).value = "mx.tls.test 465"
        await enter(pilot)
        assert app.guided.book.status(Step.CONNECT) is StepStatus.PASSED
        assert any(line.startswith("<~  220") for line in app.screen.query_one(Log).lines)
