"""Write operations of the domain. Each function is atomic and records its audit event."""
