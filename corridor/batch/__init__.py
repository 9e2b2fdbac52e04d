"""Batch work: many solves of one model, run in-process, on local processes or on a Dask cluster.

Draws over flows, sweeps, criticality and project appraisal are all "the same model, many sets of numbers". They
share two pieces:

* :class:`corridor.flows.FlowModel`: the allocation LP built once in HiGHS and re-solved warm with changed costs,
  bounds, capacities, supply and demand; each re-solve is a pure function of its numbers;
* :class:`Executor`: runs a task over :class:`Block` s of work (ranges of draws, lists of variants) and returns the
  results in block order, in-process (the default: no extra process or service for a small job), on ``workers``
  local processes, or on a ``dask.distributed`` cluster (``scheduler`` = its address). The task gets a *context*
  (the models, the entries, the seed) that is sent once to each worker, and one block.

Because a block's result depends only on the context and the block, and the blocks are put back in order, the
numbers are bit-identical whatever the backend and the number of workers.

Examples
--------
>>> from corridor.batch import Executor, plan_blocks
>>> with Executor(workers=2) as ex:
...     parts = ex.map(task, context, plan_blocks(10_000, 250))
"""

from ..flows.model import FlowModel
from .executor import BLOCK, Block, Executor, plan_blocks

__all__ = ["BLOCK", "Block", "Executor", "FlowModel", "plan_blocks"]
