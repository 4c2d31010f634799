"""smtp-tui: a guided, explained SMTP test session in the terminal."""

__version__ = "0.1.0"
