"""The practice lab: a DNS responder and SMTP servers on loopback, the offline stand-in for
the internet that `smtp-tui --demo`, `smtp-tui lab`, the screenshots and the tests use."""

from smtp_tui.lab.lab import Lab, LabInfo

__all__ = ["Lab", "LabInfo"]
