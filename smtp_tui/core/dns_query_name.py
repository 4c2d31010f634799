"""A query's name, written by dnspython uncompressed and in one piece (issue 15).

dnspython's Renderer writes a question's name through ``Name.to_wire(file, compress)``, which
builds a Name for every suffix of it to look it up in the compression table, even when the
table is off. A query holds one name: nothing to compress. This Name writes the bytes
dnspython's own ``to_wire()`` gives for the whole name, which are what the suffix-by-suffix
writer gives for a name nothing precedes. Imported on first use: it loads dnspython.
"""

from __future__ import annotations

from typing import Any

import dns.name


class UncompressedName(dns.name.Name):
    """A Name that the Renderer writes in one piece (no compression table is used)."""

    __slots__ = ()

    def to_wire(
        self,
        file: Any | None = None,
        compress: Any | None = None,
        origin: dns.name.Name | None = None,
        canonicalize: bool = False,
    ) -> bytes | None:
        if file is None or compress is not None:
            return super().to_wire(file, compress, origin, canonicalize)
        file.write(super().to_wire(None, None, origin, canonicalize))
        return None
