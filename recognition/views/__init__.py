"""Pages of the domain app: the auditor's workspace (see `audit.py`, wired in `workflows/urls.py`)."""
