"""The blacklist panel fills beside the wizard and warns before EHLO."""

from textual.widgets import Static

from tests.ui.conftest import demo_app, settle


def panel_text(app) -> str:
    return "\n".join(
        str(app.screen.query_one(f"#{name}", Static).render())
        for name in ("bl-summary", "bl-identity", "bl-mx", "bl-results")
    )


async def test_a_clean_sending_ip_in_the_demo():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = panel_text(app)
        assert "127.0.0.1 (from DNS (the practice lab))" in text
        assert "0 listed" in text and "could not check" in text
        assert "✔ not-listed" in text and "! broken" in text and "? refused" in text
        assert "PTR of 127.0.0.1: client.lab.test" in text
        assert "MAIL FROM domain lab.test: listed on 0 domain list(s)" in text
        assert "SPF of lab.test: v=spf1 ip4:127.0.0.1 -all" in text
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "For information, the MX 127.0.25.1: 0 listed" in panel_text(app)


async def test_a_listed_sending_ip_shows_reason_url_and_warns_before_ehlo():
    app = demo_app(ip="127.0.25.66")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = panel_text(app)
        assert "1 listed" in text
        assert "reason: Listed: spam trap hits" in text
        assert "removal: https://bl.dnsbl.test/lookup" in text
        for _ in range(2):
            await pilot.press("enter")
            await settle(pilot)
        hint = str(app.screen.query_one("#hint", Static).render())
        assert "listed on bl.dnsbl.test" in hint
        assert "differs from the PTR name" in hint
        for _ in range(3):
            await pilot.press("enter")
            await settle(pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "Your sending IP 127.0.25.66 is listed on bl.dnsbl.test" in summary


async def test_ctrl_r_checks_again():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        checker = app.guided.sending.checker
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "0 listed" in panel_text(app)
        assert app.guided.sending.checker is checker  # same run: self-tests and cache reused


async def test_a_rejection_naming_a_list_is_checked_and_shown_listed_in_the_tab():
    # blocked.test's MX names the address it sees (the lab's NAT) on bl.dnsbl.test: the demo
    # does not contradict itself, the tab shows that address listed.
    app = demo_app("bob@blocked.test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await pilot.press("enter")
            await settle(pilot)
        claims = str(app.screen.query_one("#bl-claims", Static).render())
        assert "127.0.25.66 is listed on bl.dnsbl.test" in claims
        verdict = app.guided.verdict()
        assert any("Checked the server's claim" in line for line in verdict.evidence)
