"""Telling, at the end of a batch, which of its entries a rolled-back savepoint undid.

Batches (the audit trail's, the new tasks' deadlines and notifications) collect rows
during a transaction and write them together before it commits. An entry made inside
a savepoint that was later rolled back (an exception caught inside the block) must be
dropped, exactly as its row would have been rolled back had it been written at once.
"""

from django.db import connection, transaction


def savepoint_marker():
    """A no-op commit hook: Django discards it when the savepoint it was registered in rolls back.

    Precondition: called inside a transaction (`transaction.atomic`).
    """

    def marker() -> None:
        return None

    transaction.on_commit(marker)
    return marker


def markers_alive() -> set:
    """The markers whose savepoints were not rolled back (so far, in the current transaction)."""
    return {entry[1] for entry in connection.run_on_commit}
