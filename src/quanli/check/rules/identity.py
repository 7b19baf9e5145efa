"""QL123-QL125: names that collide in spirit, and national codes that contradict themselves."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule, describe

if TYPE_CHECKING:
    from quanli.check.context import Context

_NOISE = re.compile(r"[\s\u3000，,、。.；;：:（）()《》“”\"'‘’【】\[\]〔〕的之及和与-]")
LEVEL_DIGITS = {"国家级": "1", "省级": "2", "市级": "3", "县级": "4", "镇（乡、街道）级": "5", "村（社区）级": "6"}


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Two names that read the same to a person normalise to the same key."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name)).casefold()


@catalogue_rule(
    "QL123",
    "near-duplicate-name",
    "warning",
    "事项名称几乎相同",
    "near-identical item names",
    "两个事项的名称只差标点、空格、“的”或全半角，多半是同一项权力登记了两次，或职责交叉（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号 五.2.(3)：对有交叉职能科室的清理工作，相关科室要明确该事项的全部运行过程）。",
    "“排污许可证核发”与“排污许可证变更”",
    "“排污许可证核发”与“排污许可证 核发”",
)
def near_duplicate(ctx: Context) -> None:
    seen: dict[str, object] = {}
    for sf in ctx.items():
        name = sf.data.get("name")
        if not isinstance(name, str):
            continue
        key = normalise_name(name)
        first = seen.setdefault(key, sf)
        if first is not sf and " ".join(first.data.get("name", "").split()) != " ".join(name.split()):
            ctx.report(
                "QL123",
                sf,
                ("name",),
                f"名称“{name}”与 {first.rel} 的“{first.data.get('name')}”几乎相同。",
                f"name '{name}' is nearly the same as {first.rel}.",
            )


describe(
    "QL124",
    "duplicate-across-catalogues",
    "warning",
    "不同单位的目录中有同名事项",
    "same item name in two catalogues",
    "同一次检查的多个目录（例如一个市的各部门）中出现同名事项，可能是职责交叉：同一项权力由两个部门行使（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号 五.2.(3)：对有交叉职能的，要明确该事项的全部运行过程）。",
    "甲局“排污许可证核发”，乙局“取水许可”",
    "甲局和乙局都有“建设项目环境影响报告书审批”",
)


@catalogue_rule(
    "QL125",
    "code-mismatch",
    "warning",
    "实施编码与基本编码、单位代码或层级不一致",
    "implementation code contradicts the basic code, unit code or level",
    "实施编码由 18 位统一社会信用代码、1 位行使层级代码和 12 位基本编码组成（全国一体化政务服务平台）。三部分对不上，说明编码抄错了。",
    "basic: '440101007000'\nimplementation: '11440000006939756B2440101007000'",
    "basic: '440101007000'\nimplementation: '11440000006939756B2440101007001'",
)
def code_mismatch(ctx: Context) -> None:
    unit = ctx.catalogue.catalog.get("unit")
    unit_code = unit.get("code") if isinstance(unit, dict) else None
    for sf in ctx.items():
        codes = sf.data.get("codes")
        if (
            not isinstance(codes, dict)
            or not isinstance(codes.get("implementation"), str)
            or len(codes["implementation"]) != 31
        ):
            continue
        impl = codes["implementation"]
        problems = []
        if isinstance(codes.get("basic"), str) and impl[19:] != codes["basic"]:
            problems.append(("后 12 位与基本编码不同", "the last 12 characters differ from the basic code"))
        if isinstance(unit_code, str) and impl[:18] != unit_code:
            problems.append(
                ("前 18 位与单位的统一社会信用代码不同", "the first 18 characters differ from the unit's credit code")
            )
        levels = sf.data.get("level")
        digits = (
            {LEVEL_DIGITS[lv] for lv in levels if isinstance(lv, str) and lv in LEVEL_DIGITS}
            if isinstance(levels, list)
            else set()
        )
        if digits and impl[18] not in digits:
            problems.append(
                (
                    f"第 19 位层级代码“{impl[18]}”与行使层级不符",
                    f"level digit '{impl[18]}' contradicts the item's level",
                )
            )
        for zh, en in problems:
            ctx.report("QL125", sf, ("codes", "implementation"), f"实施编码{zh}。", f"implementation code: {en}.")
