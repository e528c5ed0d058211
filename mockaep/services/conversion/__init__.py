"""Data Prep (Conversion Service), mounted at ``/data/foundation/conversion``.

routes.py          URL rules → call the model, serialise (reads of a stored set answer its stored JSON)
resources.py       the resource kinds: current versions and every version of each mapping set
models.py          mapping sets: create, versions (PUT), reads, the listing (``core.paging.offset``)
mapping_rules.py   reading both request vocabularies and checking each mapping (schema paths, syntax)
mapper.py          a checked mapping set applied to rows: preview and the port's ``map_rows``
preview.py         /mappingSets/validate and /mappingSets/preview
backend.py         the port other services call (``ctx.backend("conversion")``)
library.py         the function library (per app) and the /languages/el catalogues
tokenizer.py       tokens and operators of the expression language; expressions.py: its parser
evaluate.py        evaluator (operators, methods); values.py: text form, truth, dates as ISO text
paths.py           attribute paths of sources and destinations (escapes, [n], [*])
functions/         the mapping functions, declared per family; catalogue: mockaep/specs/dataprep/functions.json
"""
from mockaep.services.conversion.backend import DataPrepBackend as Backend
from mockaep.services.conversion.resources import KINDS
from mockaep.services.conversion.routes import blueprint

__all__ = ["Backend", "KINDS", "blueprint"]
