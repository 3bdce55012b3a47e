"""The history ledger: closed period versions, carry-over of the pool, retro adjustments.

`open_ledger(url)` opens (and migrates) the database; `close_results` records a results
folder as the next version of its period; `plan_run` is the pipeline's hook that reads the
ledger before a run (carry-in, retro adjustments, a closed period) and adds the revision and
period-change tables after it; `history_rows`, `manager_history` and `export_rows` answer
`appraise history`. See docs/history.md.
"""

from .db import HistoryError, Ledger, head_revision, ledger_for, ledger_url, open_ledger, shown_url

__all__ = [
    "HistoryError",
    "Ledger",
    "head_revision",
    "ledger_for",
    "ledger_url",
    "open_ledger",
    "shown_url",
]
