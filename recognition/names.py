"""How close two model names are: Vietnamese names compared without diacritics and case.

Pure functions: the duplicate warning at registration calls them, tests call them directly.
"""

import difflib
import re
import unicodedata

# At or above this, two names are "very close": the registration must be confirmed.
SIMILARITY_THRESHOLD = 0.85

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Words that say what kind of thing is named, not which: "Mô hình nuôi cá lồng" is "Nuôi cá lồng".
_GENERIC_WORDS = re.compile(r" (?:mo hinh|dien hinh) ")


def name_normalise(name: str) -> str:
    """Lower case, without diacritics (đ → d), punctuation as spaces, spaces collapsed.

    "Hũ gạo  tình thương!" → "hu gao tinh thuong".
    """
    lowered = name.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def name_similarity(first: str, second: str) -> float:
    """A score in [0, 1]: the larger of the character ratio and the word-set ratio.

    The character ratio (difflib) catches typos and missing diacritics; the word-set
    ratio catches the same words in another order ("Tổ tự quản an ninh" / "An ninh tổ
    tự quản"). Both on normalised names without "mô hình" / "điển hình"; two empty names are not similar, nor are two
    names whose numbers differ ("1.000" and "1000" are the same number).
    """
    left, right = _distinctive(name_normalise(first)), _distinctive(name_normalise(second))
    if not left or not right:
        return 0.0
    if _digits(left) != _digits(right):
        # "Tổ tự quản số 1" and "Tổ tự quản số 2" are two models, however alike the words.
        return 0.0
    characters = difflib.SequenceMatcher(None, left, right).ratio()
    left_words, right_words = set(left.split()), set(right.split())
    words = 2 * len(left_words & right_words) / (len(left_words) + len(right_words))
    return round(max(characters, words), 4)


def _distinctive(normalised: str) -> str:
    """The name without the words every name may carry ("mô hình", "điển hình")."""
    return " ".join(_GENERIC_WORDS.sub(" ", f" {normalised} ").split())


def _digits(normalised: str) -> str:
    return "".join(char for char in normalised if char.isdigit())


def names_are_close(first: str, second: str) -> bool:
    return name_similarity(first, second) >= SIMILARITY_THRESHOLD
