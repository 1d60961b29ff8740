"""The sections of the model page, one module per area (council, decisions, awards,
replication, lineage of nominations, annual re-review), each with its template in
`workflows/model_sections/<name>.html`."""

from . import awards, council, decisions, lineage, replication, rereview

SECTIONS = (council, decisions, awards, replication, lineage, rereview)
SECTION_TEMPLATES = tuple(
    f"workflows/model_sections/{section.__name__.rsplit('.', 1)[-1]}.html" for section in SECTIONS
)


def sections_context(*, movement_model, user) -> dict:
    context: dict = {"model_section_templates": SECTION_TEMPLATES}
    for section in SECTIONS:
        context.update(section.context(movement_model=movement_model, user=user))
    return context
