"""Noto Sans for every PDF the application draws (audit trail, decisions, certificates, proposals).

fpdf2 (pure Python) draws with Noto Sans from the `fontpkg-noto-sans` wheel, so
Vietnamese renders on a fresh machine with nothing installed but the Python
dependencies. The wheel ships two variable fonts, upright and italic.

Instancing a variable font (regular, bold) took fontTools 10–30 s for every PDF, mostly
merging the layout tables a PDF never uses: the static instances are built once,
without those tables, and kept in a cache directory.
"""

import hashlib
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools import ttLib
from fontTools.varLib import instancer
from fpdf import FPDF

FONT = "NotoSans"

REGULAR = 400
BOLD = 700

# Text is drawn glyph by glyph from the cmap; the shaping tables are not used.
_LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")


def _variable_font_path(*, italic: bool = False) -> Path:
    name = "NotoSans-Italic[wdth,wght].ttf" if italic else "NotoSans[wdth,wght].ttf"
    return Path(str(resources.files("fontpkg_noto_sans") / "files" / name))


def font_path(weight: int, *, italic: bool = False) -> str:
    """A static Noto Sans of `weight`; built again if the cached file went away (a temp-directory cleaner)."""
    path = _built_font_path(weight, italic)
    if not os.path.exists(path):
        _built_font_path.cache_clear()
        path = _built_font_path(weight, italic)
    return path


def fonts_add(pdf: FPDF) -> None:
    """Register Noto Sans regular, bold, italic and bold italic as `FONT` on `pdf`.

    fpdf2 embeds only the fonts a document uses, as subsets of the glyphs it draws.
    """
    pdf.add_font(FONT, "", font_path(REGULAR))
    pdf.add_font(FONT, "B", font_path(BOLD))
    pdf.add_font(FONT, "I", font_path(REGULAR, italic=True))
    pdf.add_font(FONT, "BI", font_path(BOLD, italic=True))


@cache
def _built_font_path(weight: int, italic: bool = False) -> str:
    """A static Noto Sans of `weight`, built from the wheel's variable font once per machine (and user)."""
    source = _variable_font_path(italic=italic)
    stat = source.stat()
    key = hashlib.sha256(f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{weight}|named".encode()).hexdigest()[:16]
    name = f"NotoSans{'-Italic' if italic else ''}-{weight}-{key}.ttf"
    cached = Path(tempfile.gettempdir()) / f"kheo-fonts-{os.getuid()}" / name
    if cached.exists():
        return str(cached)
    font = _static_instance(source, weight, italic=italic)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: two processes building it at once never read half a file.
        partial = cached.with_name(f".{name}.{os.getpid()}")
        font.save(str(partial))
        os.replace(partial, cached)
        return str(cached)
    except OSError:
        # No writable cache: this process keeps its own copy.
        private = Path(tempfile.mkdtemp(prefix="kheo-fonts-")) / name
        font.save(str(private))
        return str(private)


def _static_instance(source: Path, weight: int, *, italic: bool) -> ttLib.TTFont:
    font = ttLib.TTFont(str(source))
    for table in _LAYOUT_TABLES:
        if table in font:
            del font[table]
    instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, inplace=True, static=True)
    _name_instance(font, weight=weight, italic=italic)
    return font


def _name_instance(font: ttLib.TTFont, *, weight: int, italic: bool) -> None:
    """Name the instance after its style ("NotoSans-BoldItalic"): the variable font's own
    names would call every instance "NotoSans", and a PDF would list four fonts of one name."""
    style = ("Bold" if weight >= BOLD else "") + ("Italic" if italic else "")
    subfamily = {"": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}[style]
    names = font["name"]
    names.setName("Noto Sans", 1, 3, 1, 0x409)
    names.setName(subfamily, 2, 3, 1, 0x409)
    names.setName(f"Noto Sans {subfamily}", 4, 3, 1, 0x409)
    names.setName(f"NotoSans-{style or 'Regular'}", 6, 3, 1, 0x409)
