"""The UI-free core: DNS, the SMTP dialogue, transcript and journal.

Nothing here imports Textual or Rich; plain asyncio programs can use it directly.
"""
