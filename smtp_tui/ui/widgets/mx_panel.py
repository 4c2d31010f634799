"""The MX records as a table; Enter on a row makes step 2 use that host."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

if TYPE_CHECKING:  # only an annotation: the look-ups load with the first MX step
    from smtp_tui.core.dns import MxResult


def _cells(*values: str) -> list[Text]:
    # DataTable parses plain str cells as markup; names from DNS must stay literal text.
    return [Text(value) for value in values]


class MxPanel(DataTable[Text]):
    class HostChosen(Message):
        def __init__(self, host: str) -> None:
            self.host = host
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.add_columns("Pref", "Host", "Addresses", "Notes")
        self.show_placeholder("No MX look-up yet.")

    def show_placeholder(self, text: str) -> None:
        self.clear()
        self.add_row(*_cells("", text, "", ""), key="-")

    def show(self, result: MxResult) -> None:
        self.clear()
        if result.null_mx:
            self.add_row(*_cells("0", ".", "", "null MX: accepts no mail"), key="-")
            return
        for index, host in enumerate(result.hosts):
            notes = "; ".join(host.notes)
            addresses = ", ".join(host.addresses) or "none"
            # The same host may appear twice in a legal MX set: the row key must not repeat.
            self.add_row(
                *_cells(str(host.preference), host.host, addresses, notes),
                key=f"{index}:{host.host}",
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key and key != "-":
            self.post_message(self.HostChosen(key.partition(":")[2]))
