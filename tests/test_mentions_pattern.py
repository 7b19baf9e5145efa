"""QL606's one expression for every non-public name finds what an alternation of the names,
longest first, finds: the longest name at the leftmost place, then on from its end."""

from __future__ import annotations

import random
import re

from quanli.check.mentions import pattern_of


def alternation(names) -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))))


def test_names_that_share_a_start_or_contain_each_other():
    names = {"ab": 0, "abc": 0, "abcd": 0, "b": 0, "bc": 0, "排污许可": 0, "排污许可证核发": 0, "t-xk-002": 0}
    for text in ["abcde", "abx", "abcabcdab", "bcab", "aabcc", "办理排污许可证核发和排污许可", "见t-xk-0021号", ""]:
        assert pattern_of(names).findall(text) == alternation(names).findall(text), text


def test_random_names_and_texts():
    rng = random.Random(3)
    alphabet = "ab排污许可-1.("
    for _ in range(300):
        names = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))): 0 for _ in range(rng.randint(1, 12))}
        text = "".join(rng.choice(alphabet) for _ in range(60))
        assert pattern_of(names).findall(text) == alternation(names).findall(text), (names, text)
