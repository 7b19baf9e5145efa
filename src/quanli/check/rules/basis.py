"""QL501-QL506: the laws an item cites are in force and cited properly.

银政办内发〔2008〕48号 五.(二): powers whose legal basis has lost force are removed from the catalogue;
powers about to take effect are registered too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule
from quanli.check.rules.hygiene import is_placeholder

if TYPE_CHECKING:
    from quanli.check.context import Context

NUM = "[〇零一二三四五六七八九十百千两0-9]+"
PART = rf"(?:第(?:{NUM}|[（(]{NUM}[）)])(?:条(?:之{NUM})?|款|项|目|章|节)|[（(]{NUM}[）)])"
ARTICLE = re.compile(rf"{PART}(?:\s*(?:[、，,；;和及与或至到]|以及)?\s*{PART})*")


def _cited(ctx):
    """(item file, basis index, law entry) for every citation of a registered law."""
    laws = ctx.laws_by_id
    for sf in ctx.items():
        if sf.data.get("status") in ("停止行使", "已取消"):
            continue  # a power no longer exercised needs no basis in force
        basis = sf.data.get("basis")
        for i, entry in enumerate(basis if isinstance(basis, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("law"), str) and entry["law"] in laws:
                yield sf, i, laws[entry["law"]]


def _title(law: dict) -> str:
    return f"《{law.get('name') or law.get('id')}》"


@catalogue_rule(
    "QL501",
    "law-repealed",
    "error",
    "引用了已废止的法律法规",
    "cites a repealed law",
    "行使依据已失效的权力应当取消（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 五.(二)：对于已经失去法律效力的权力予以排除）。请改引现行有效的依据，或把事项设为停止行使。",
    "laws.yaml: status: 现行有效",
    "laws.yaml: status: 已废止",
)
def law_repealed(ctx: Context) -> None:
    for sf, i, law in _cited(ctx):
        if law.get("status") == "已废止":
            when = f"（{law['repealed']} 废止）" if law.get("repealed") else ""
            ctx.report(
                "QL501",
                sf,
                ("basis", i, "law"),
                f"行使依据{_title(law)}已废止{when}。请改引现行有效的依据，或停止行使该权力。",
                f"basis '{law['id']}' has been repealed; cite the law in force or stop the power.",
            )


@catalogue_rule(
    "QL502",
    "law-amended",
    "warning",
    "引用的法律法规已修改，需核对条款",
    "cited law was amended: re-check the article",
    "法律修改后条文序号常常变化（例如行政处罚法 2021 年修订后条款全部重排），引用的条款要按修改后的文本重新核对（《内蒙古自治区政府办公厅关于推进行政权力公开透明运行的意见》内政办发〔2010〕66号 二.(一)：根据国家有关法律法规的出台、修订和废止……及时对行政许可项目做出清理、增减和调整）。核对后把 laws.yaml 中的状态改为现行有效。",
    "laws.yaml: status: 现行有效",
    "laws.yaml: status: 已修改",
)
def law_amended(ctx: Context) -> None:
    for sf, i, law in _cited(ctx):
        if law.get("status") == "已修改":
            ctx.report(
                "QL502",
                sf,
                ("basis", i, "article"),
                f"{_title(law)}已修改，请按修改后的文本核对条款“{sf.data['basis'][i].get('article', '')}”。",
                f"'{law['id']}' was amended: re-check the article against the new text.",
            )


@catalogue_rule(
    "QL503",
    "law-not-yet-effective",
    "info",
    "引用的法律法规尚未施行",
    "cited law not yet in force",
    "即将施行的法律法规规定的权力也要登记（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 五.(二)：对于即将实施的权力也要认真清理上报），但在施行日之前不得行使。",
    "laws.yaml: effective: '2020-01-01'",
    "laws.yaml: status: 尚未生效, effective: '2099-01-01'",
)
def law_not_effective(ctx: Context) -> None:
    from quanli.dates import clock

    today = clock.today().isoformat()
    for sf, i, law in _cited(ctx):
        effective = law.get("effective") if isinstance(law.get("effective"), str) else ""
        if law.get("status") == "尚未生效" or effective > today:
            when = f"，{effective} 起施行" if effective else ""
            ctx.report(
                "QL503",
                sf,
                ("basis", i, "law"),
                f"{_title(law)}尚未施行{when}；施行前不得依据它行使权力。",
                f"'{law['id']}' is not yet in force.",
            )


@catalogue_rule(
    "QL504",
    "article-format",
    "warning",
    "条款的写法不规范",
    "malformed article reference",
    "条款写成“第十二条”“第二十二条第一款”“第二十一条第一项、第二项”，便于核对和检索；“12条”“第十二”“第12條”之类写法无法准确定位。",
    "article: 第二十二条第一款",
    "article: 22条",
)
def article_format(ctx: Context) -> None:
    for sf in ctx.items():
        basis = sf.data.get("basis")
        for i, entry in enumerate(basis if isinstance(basis, list) else []):
            article = entry.get("article") if isinstance(entry, dict) else None
            if (
                isinstance(article, str)
                and article.strip()
                and not (ARTICLE.fullmatch(article.strip()) and "条" in article)
                and not is_placeholder(article)
            ):  # （请填写条款）: QL802 asks for it
                ctx.report(
                    "QL504",
                    sf,
                    ("basis", i, "article"),
                    f"条款“{article}”的写法不规范，应写成“第十二条”“第二十二条第一款”这样的形式。",
                    f"article '{article}' should look like 第十二条 or 第二十二条第一款.",
                )


@catalogue_rule(
    "QL505",
    "law-status-unknown",
    "info",
    "法律法规的时效性未知",
    "law status unknown",
    "导入时无法确定时效性的法规标为“未知”。请查证后改为现行有效、已修改或已废止，否则无法发现依据失效的权力（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 五.(二)）。",
    "status: 现行有效",
    "status: 未知",
)
def law_status_unknown(ctx: Context) -> None:
    laws = ctx.catalogue.laws
    entries = laws.get("laws") if laws is not None and laws.ok else None
    for i, law in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(law, dict) and law.get("status") in (None, "未知"):
            ctx.report(
                "QL505",
                laws,
                ("laws", i, "id"),
                f"{_title(law)}的时效性（status）未知，请查证后填写。",
                f"the status of '{law.get('id')}' is unknown.",
            )


@catalogue_rule(
    "QL506",
    "law-unused",
    "info",
    "法律法规没有被任何事项引用",
    "law cited by no item",
    "laws.yaml 中登记但没有事项引用的法规，可能是漏引了依据（职责缺位），也可能是可以删除的旧条目。",
    "（每部法规都有事项引用）",
    "（laws.yaml 中有一部法规无人引用）",
)
def law_unused(ctx: Context) -> None:
    laws = ctx.catalogue.laws
    if laws is None or not laws.ok:
        return
    used = {
        entry.get("law")
        for sf in ctx.items()
        for entry in (sf.data.get("basis") if isinstance(sf.data.get("basis"), list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("law"), str)
    }
    entries = laws.get("laws")
    for i, law in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(law, dict) and isinstance(law.get("id"), str) and law["id"] not in used:
            ctx.report(
                "QL506",
                laws,
                ("laws", i, "id"),
                f"{_title(law)}没有被任何事项引用。",
                f"'{law['id']}' is cited by no item.",
            )
