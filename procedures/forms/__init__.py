"""The designer's edit form: every part of a draft's spec as Django forms and formsets."""

from .editor import SpecEditor
from .parts import DesignerChoices, PublishForm, designer_choices

__all__ = ["DesignerChoices", "PublishForm", "SpecEditor", "designer_choices"]
