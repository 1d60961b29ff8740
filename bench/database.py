"""What every benchmark starts with: Django on the bench settings, and a database of its own.

The database is a throwaway one created and destroyed here, as pytest-django does:
var/bench.sqlite3 by default; with BENCH_DATABASE_URL (or DATABASE_URL)
=postgres://.../NAME it is `test_NAME` on that server. Real data is never touched.
"""

import os
from contextlib import contextmanager


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


@contextmanager
def throwaway_database(*, keep: bool = False):
    """Create and migrate the benchmark database, yield the connection, then drop it (unless `keep`)."""
    from django.db import connection

    print(f"Preparing a throwaway {connection.vendor} database (migrations)...", flush=True)
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection
    finally:
        if keep:
            print(f"Kept the benchmark database {connection.settings_dict['NAME']}.")
        else:
            connection.close()  # PostgreSQL refuses to drop a database this process is still connected to
            connection.creation.destroy_test_db(original_name, verbosity=0)
