"""Scoring many documents into a Parquet dataset, reporting on it, and resuming long runs.

- `metadata`: document metadata from file names (``--name-pattern``) or a CSV sidecar;
- `documents`: the documents of a run (ids, paths, metadata) found from PATHs;
- `rows`: scoring one document into rows, the same for every engine;
- `tables`: the Arrow schemas of the three tables and the conversions between rows and tables;
- `store`: the dataset directory, its settings file and the commit protocol that makes resume safe;
- `local` and `cluster`: the process-pool and Ray Data engines; `run`: choosing and running one;
- `report`: what the HTML report shows (its data); `report_html` and `charts`: the
  self-contained page (a Jinja2 template in ``templates/`` and SVG charts).
- `engine`: what the engines share (the `Engine` protocol, the model spec, progress, the summary).

Nothing here imports pyarrow, matplotlib, Jinja2 or Ray at import time of `finlocal.corpus` itself; the
modules that need them import them, and the CLI turns a missing one into the extra to install.
"""
