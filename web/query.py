"""The query string as views read it: a path variable always wins over its namesake.

A URL may repeat one of its path variables in the query string
(``/communes/32026?code=1``, ``/donors/A?donor=B``, ``/map.png?fmt=png``).
Left alone, the two values meet where code spreads the query into keyword
arguments (``url_for(endpoint, **view_args, **args)`` raises "multiple
values for keyword argument") or where a query parameter means something
(``?donor=`` is also a filter, so the donor page would filter donor A's
projects by donor B). The path says which resource was asked for, so such a
query argument is dropped: every view, template and helper that reads
``request.args`` sees the request as if it had not been sent.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


class PathFirstRequest(Request):
    """A request whose ``args`` leave out query arguments named like a matched path variable."""

    @property
    def args(self) -> ImmutableMultiDict:
        raw = super().args                 # parsed once and cached by Werkzeug
        shadowed = set(self.view_args or ()) & set(raw)
        if not shadowed:
            return raw
        return ImmutableMultiDict([(key, value) for key, value in raw.items(multi=True)
                                   if key not in shadowed])
