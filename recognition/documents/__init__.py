"""Official documents the procedure produces: decisions, certificates, award proposals.

`content` holds what a document says (plain dataclasses, no database); the modules beside
it draw them as PDF. Services build the content from the records and store the bytes.
"""
