"""Helpers for the designer tests: the edit form's POST data built from a spec, as a browser sends it."""

from procedures.forms import SpecEditor, designer_choices
from procedures.selectors import version_spec


def edit_post_data(version, **overrides) -> dict:
    """Every field of the edit page with the draft's current values, blank rows posted empty like a browser does."""
    editor = SpecEditor(version_spec(version), choices=designer_choices())
    data = {}
    for part in editor._all():
        forms_ = [part] if not hasattr(part, "management_form") else [part.management_form, *part.forms]
        for form in forms_:
            for bound in form:
                value = bound.value()
                if value is False:
                    continue  # an unticked checkbox is not sent
                if value is None:
                    data[bound.html_name] = ""
                elif value is True:
                    data[bound.html_name] = "on"
                elif isinstance(value, list | tuple):
                    data[bound.html_name] = [str(item) for item in value]
                else:
                    data[bound.html_name] = str(value)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
