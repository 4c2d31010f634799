"""What a guided run leaves behind besides the dialogue: the context (who ran it, from
where, through which resolver, against which MX) and the verdict, in the journal's last
lines, the saved Markdown and text files, and the ticket export."""

from __future__ import annotations

from smtp_tui.core.options import effective_helo
from smtp_tui.core.transcript import to_markdown

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from pathlib import Path

    from smtp_tui.core.flow import GuidedRun


def context_lines(run: GuidedRun) -> list[str]:
    """The EHLO name, the resolver, the MX that answered, the source address used."""
    meta = run.transcript.meta
    local = run.session.connection.local if run.session is not None else None
    answered = f"{meta.mx_host or '-'}" + (f" [{meta.mx_address}]" if meta.mx_address else "")
    lines = [
        f"EHLO name: {effective_helo(run.options)}",
        f"Resolver: {meta.resolver}",
        f"MX that answered: {answered}",
        f"Source address: {(local[0] if local else None) or run.options.source or '-'}",
    ]
    checked = run.sending.public_address
    if checked is not None:
        lines.append(f"Sending IP checked: {checked.address} ({checked.source})")
    return lines


def closing_lines(run: GuidedRun) -> list[str]:
    """The context, then the verdict as text: the journal's and the text file's last lines."""
    verdict = run.verdict()
    return context_lines(run) + (verdict.as_text().splitlines() if verdict else [])


def _sections(run: GuidedRun) -> list[str]:
    verdict = run.verdict()
    context = "## Context\n\n" + "\n".join(f"- {line}" for line in context_lines(run))
    return [context] + ([verdict.as_markdown()] if verdict else [])


def ticket_markdown(run: GuidedRun) -> str:
    """The Markdown export with the context and the verdict, for a ticket."""
    return to_markdown(run.transcript, extra_sections=_sections(run))


def save_run(run: GuidedRun) -> tuple[Path, Path]:
    """Ctrl+S: the transcript as Markdown and as plain text, both with the verdict."""
    from smtp_tui.core.exports import save_exports

    return save_exports(
        run.transcript, extra_sections=_sections(run), plain_trailer=closing_lines(run)
    )
