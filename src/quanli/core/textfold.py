"""Two spellings a reader reads as the same text fold to the same string.

Used wherever quanli must find a confidential item's name or id in text that may be written
differently: the leak scan of public builds (build/leaks.py) and the rules that look for
confidential items in public ones (QL602, QL606, QL975). Folding applies NFKC (full-width
letters and digits, compatibility forms), drops every kind of white space and the invisible
characters (zero-width spaces and joiners, BOM, soft hyphen, word joiner, bidi controls) and
folds case. In markup (HTML, SVG, XML) tags are dropped and entities decoded first, so a name
wrapped over two lines of a flowchart, or escaped, is still found.
"""

from __future__ import annotations

import html
import re
import unicodedata

# the invisible characters that are not white space (str.split drops those: the same set as \s)
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u206f\u3164\ufeff\uffa0]+"
)
_TAG = re.compile(r"<[^<>]*>")
MIN_NEEDLE = 3  # shorter names and ids are too common to mean an item


def fold(text: str) -> str:
    """``text`` folded (see the module's docstring), markup left as it is."""
    # is_normalized is a quick check (a table look-up a character, 200 times faster than
    # normalize, which does the whole work even when nothing changes); most text already is NFKC
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE.sub("", "".join(text.split())).casefold()


def fold_markup(text: str) -> str:
    """``text`` with tags dropped and entities decoded, then folded."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub("", text))
    return fold(text)


def needles(values) -> list[str]:
    """The folded forms of ``values`` long enough to search for, longest first, in a fixed order."""
    out = {fold(v) for v in values if isinstance(v, str)}
    return sorted((n for n in out if len(n) >= MIN_NEEDLE), key=lambda n: (-len(n), n))


def any_of(names) -> re.Pattern:
    """One regular expression for every name in ``names``: at each place the longest name that
    starts there, as an alternation of the names longest first would find. Written as a trie
    (names that share a start share its branch), so the engine tries a character against one
    branch, not against every name: for QL606 on 100,000 items (2,000 names) 250 s became 55 s."""
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(_trie(trie) or "(?!)")


def _trie(node: dict) -> str:
    branches = [re.escape(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body  # greedy: a longer name first, then the name that ends here
