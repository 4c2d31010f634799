"""Plain mode: the front end without the full screen (check, blacklist, explain, ...)."""
