"""Where a successful run's rows land: one Catalog batch in each target connection's dataset.

The promotion activity of a run names the batches it wrote (``targetInfo[].reference``, type
``Batch``, monitor.md); those batches are real Catalog batches, created through
Catalog's port (``ctx.backend("catalog")``, the one owner of the batch shape), so ``GET /batches/{id}``, the dataset's
``lastBatchId``/``lastBatchStatus`` and ``dataSetFiles`` agree with the run.

Choices where the docs are silent (the real platform most plausibly behaves so):

* a run that read no rows promotes nothing: it succeeds without a batch (an incremental run
  over a quiet window writes no empty batch);
* a target connection without a ``dataSetId``, or whose dataset no longer exists, gets no batch
  (its ``targetInfo`` entry has no ``reference``);
* a failed run (the source refused the credentials) never reaches promotion: no batch.

No Flask here.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.ids import derived_ulid
from mockaep.services.flowservice.records import record
from mockaep.services.flowservice.resources import TARGET_CONNECTIONS


def land(ctx: RequestContext, flow: Mapping[str, Any] | None, run_id: str, *, records: int, input_bytes: int,
         output_bytes: int, input_files: int, started: int, completed: int) -> list[dict[str, Any]]:
    """Write the run's rows to each target dataset as a successful batch; returns the promotion
    activity's ``targetInfo`` (one entry per target connection, in the flow's order)."""
    targets = []
    for target_id in (flow or {}).get("targetConnectionIds") or []:
        entry: dict[str, Any] = {"id": target_id, "type": "TargetConnection"}
        target = record(ctx, TARGET_CONNECTIONS, target_id)
        dataset_id = ((target or {}).get("params") or {}).get("dataSetId")
        if records and isinstance(dataset_id, str) and ctx.backend("catalog").get_dataset(dataset_id) is not None:
            batch_id = _batch(ctx, dataset_id, f"{run_id}/{target_id}", run_id, records, input_bytes, output_bytes,
                              input_files, started, completed)
            entry["reference"] = {"type": "Batch", "ids": [batch_id]}
        targets.append(entry)
    return targets


def _batch(ctx: RequestContext, dataset_id: str, seed: str, run_id: str, records: int, input_bytes: int,
           output_bytes: int, input_files: int, started: int, completed: int) -> str:
    # Sources write parquet into the lake (the flow's target format is parquet_xdm). The id is
    # derived from the run, the target and the completion time, so a state exported before the
    # run finished and seeded elsewhere lands the same batch id.
    derived = derived_ulid(completed, seed)
    batch_id = ctx.backend("catalog").open_ingest_batch(dataset_id, {"inputFormat": {"format": "parquet"}}, derived)["id"]
    ctx.backend("catalog").add_dataset_file(batch_id, dataset_id, f"part-00000-{run_id}.parquet", records, output_bytes)
    # The same metric names Batch Ingestion reports for a promoted batch.
    metrics = {"recordsRead": records, "recordsWritten": records, "failedRecordCount": 0,
               "inputFileCount": input_files, "inputByteSize": input_bytes, "inputRecordCount": records,
               "outputRecordCount": records, "outputFileCount": 1, "partitionCount": 1}
    ctx.backend("catalog").set_batch_status(batch_id, "success", started=started, completed=completed, metrics=metrics,
                             errors=[], recordCount=records, failedRecordCount=0, size=output_bytes)
    return batch_id
