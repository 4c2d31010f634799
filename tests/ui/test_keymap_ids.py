"""Every key binding of the screen can be remapped by an id the config accepts."""

from smtp_tui.ui.app import SmtpTuiApp
from smtp_tui.ui.keymap import BINDING_IDS
from smtp_tui.ui.screens.main import MainScreen


def test_every_binding_has_an_id_the_config_knows():
    bindings = [*SmtpTuiApp.BINDINGS, *MainScreen.BINDINGS]
    ids = [binding.id for binding in bindings]
    assert None not in ids
    assert set(ids) <= set(BINDING_IDS)
