"""Data Prep (Conversion Service), mounted at ``/data/foundation/conversion``.

routes.py          URL rules → parse the request, call the model, serialise
models.py          mapping sets: create, versions (PUT), reads, listing; ``get_mapping_set`` for api.py
mapping_rules.py   reading both request vocabularies and checking each mapping (schema paths, syntax)
preview.py         /mappingSets/validate and /mappingSets/preview (apply mappings, XDM type conversion)
tokenizer.py       tokens and operators of the expression language; expressions.py: its parser
evaluate.py        evaluator (operators, methods); values.py: text form, truth, dates as ISO text
paths.py           attribute paths of sources and destinations (escapes, [n], [*])
functions/         the mapping functions; their catalogue is mockaep/specs/dataprep/functions.json
"""
from mockaep.services.conversion.backend import DataPrepBackend as Backend
from mockaep.services.conversion.resources import KINDS
from mockaep.services.conversion.routes import blueprint

__all__ = ["Backend", "KINDS", "blueprint"]
