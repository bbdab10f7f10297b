"""A document's title in SQL, as `Document.title` gives it in Python: the meta's "title"
when it is a non-blank string, else the text's first line, trimmed as `str.strip()` trims
and cut at 80 characters. Read from the meta and a bounded prefix of the text, so no whole
text leaves the database for a list row or a sort by title.
"""

from __future__ import annotations

from sqlalchemy import String, and_, case, func, literal_column

from annotator.store.sql_functions import (
    json_is_string,
    json_text,
    position_in,
    string_constant,
    trim_chars,
)
from annotator.store.tables import DOCUMENT

# Every character Python's str.strip() removes, as an SQL constant for trim().
_WHITESPACE_CODES = (
    *range(0x09, 0x0E),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)
_WS = literal_column(string_constant("".join(map(chr, _WHITESPACE_CODES))), String)
_NEWLINE = literal_column(string_constant("\n"), String)

META_TITLE = trim_chars(json_text(DOCUMENT.c.meta, literal_column("'title'")), _WS)
HAS_META_TITLE = and_(json_is_string(DOCUMENT.c.meta, literal_column("'title'")), META_TITLE != "")
_PREFIX = func.ltrim(func.substr(DOCUMENT.c.text, 1, 300), _WS)
_FIRST_LINE = func.substr(_PREFIX, 1, position_in(_PREFIX.concat(_NEWLINE), _NEWLINE) - 1)
# Document.title, for any text whose first line starts within its first 220 characters.
TITLE = case(
    (HAS_META_TITLE, META_TITLE),
    else_=trim_chars(func.substr(_FIRST_LINE, 1, 80), _WS),
)
