"""Tamper evidence for the audit trail: hash chains, verification, bundles, digests and the PDF."""
