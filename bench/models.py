"""django-simple-history on viewflow's engine rows, for the peer of `bench.lifecycle`.

Only the bench settings install `simple_history` and this app; the historical tables
(`bench_historicalprocess`, `bench_historicaltask`) are created without migrations
when the throwaway database is built. Khéo's own rows are never recorded here.
"""

import simple_history
from viewflow.workflow.models import Process, Task

simple_history.register(Process, app="bench")
simple_history.register(Task, app="bench")
