"""`python -m smtp_tui` does what the `smtp-tui` command does."""

from smtp_tui.cli import main

raise SystemExit(main())
