from .support import behalf  # noqa: F401  (fixture)
