"""Paging: one shared selection (filter, order, cut a page at the cost of the page) and one pager
per paging model of the platform's services, each a thin layer of envelope and cursor over it:

- ``continuation``: Flow Service — ``limit`` and an opaque ``continuationToken``;
- ``registry``: Schema Registry — ``orderby``/``start``/``limit`` and a ``_page`` object;
- ``catalog``: Catalog — ``start`` offset, ``limit``, ``orderBy``, objects keyed by id;
- ``offset``: Data Prep — ``start``/``limit`` over a ``data`` list.

``select`` lives in :mod:`mockaep.core.paging.selection`, continuation tokens in
:mod:`mockaep.core.paging.tokens`.
"""
