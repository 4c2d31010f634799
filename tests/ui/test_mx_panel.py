"""The MX table: a legal MX set may name the same host twice; the table must not break."""

from textual.app import App, ComposeResult

from smtp_tui.core.addresses import parse_domain
from smtp_tui.core.dns import MxHost, MxResult
from smtp_tui.ui.widgets.mx_panel import MxPanel


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield MxPanel(id="mx")

    def on_mx_panel_host_chosen(self, message: MxPanel.HostChosen) -> None:
        self.chosen.append(message.host)


async def test_the_same_mx_host_twice_shows_two_rows_and_each_can_be_chosen():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        twice = MxResult(
            parse_domain("example.org"),
            (
                MxHost(10, "mx.example.org", ("192.0.2.1",)),
                MxHost(20, "mx.example.org", ("192.0.2.1",)),
            ),
        )
        table = app.query_one(MxPanel)
        table.show(twice)
        await pilot.pause()
        assert table.row_count == 2
        table.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.chosen == ["mx.example.org"]
