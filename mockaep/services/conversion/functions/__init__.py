"""The mapping functions of the expression language, one module per family of data-prep/functions.md.

Each module declares its functions with :func:`declaration.function`; the function library
(``mockaep.services.conversion.library``) collects them and checks them against the packaged
catalogue (``mockaep/specs/dataprep/functions.json``), once per app.
"""
