"""Rules across the members of a workspace (quanli-workspace.yaml): QL971-QL974.

They compare catalogues kept by different units, so they run after every member has been
checked, on a short profile of each item (``profile``: what the item's summary holds, so a
warm run compares without parsing an unchanged item again). The 2018 guidance on power
catalogues asks that the name, type, basis and code of the same power be basically the same
across province, city and county; 银政办内发〔2008〕48号 has the office collect and review the departments'
catalogues, and 坛环法〔2008〕第1号 asks that a power two units share (交叉职能) be made clear.
"""

from __future__ import annotations

import re

from quanli.check.registry import RULES, describe
from quanli.core.findings import Finding

describe(
    "QL971",
    "duty-overlap",
    "warning",
    "同一地区同一层级的两个单位登记了同一项权力",
    "two units of one region and level claim the same power",
    "工作区中同一行政区划、同一层级的两个成员目录，有基本编码相同或名称相同的事项：同一项权力由两个部门行使，是需要理顺的职责交叉"
    "（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(一).2：各处室分别编制，汇总后审核；金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号 五.2.(3)：对有交叉职能的，要明确该事项的全部运行过程）。上下级之间同名是正常的，不在此列（见 QL973）。",
    "示例县市场监管局“食品经营许可（新办）”，示例县卫健局“公共场所卫生许可”",
    "示例县市场监管局和示例县商务局都有“食品经营许可（新办）”",
)
describe(
    "QL972",
    "missing-below",
    "warning",
    "上级目录要求下级行使的事项，下级目录中没有",
    "a power the higher level says is exercised below is missing there",
    "成员在工作区中写了上级对口单位（parent）时，上级目录中行使层级包含本单位层级的事项（例如 level: [市级, 县级]），"
    "本单位的目录里应当有（按基本编码，没有编码时按名称）。缺了，就是该行使的权力没有列入清单。",
    "市局事项 level: [市级, 县级]，县局目录中有基本编码相同的事项",
    "市局事项 level: [市级, 县级]，县局目录中没有这个事项",
)
describe(
    "QL973",
    "inconsistent-across-levels",
    "warning",
    "同一基本编码的事项在上下级目录中名称、类别或依据不一致",
    "the same basic code differs across levels in name, category or basis",
    "2018 年权力清单指导意见要求同一事项在省、市、县各级的名称、类型、依据、编码基本一致。基本编码相同的事项，"
    "与层级最高的那个目录相比：名称不同、类别不同，或缺少上级引用的法律法规，都要核对。下级可以多引用本地的法规。",
    "市局、县局“食品经营许可（新办）”基本编码相同，类别都是行政许可，都引用食品安全法",
    "市局叫“食品经营许可（新办）”，县局同一基本编码叫“食品经营许可证核发”",
)
describe(
    "QL974",
    "member-mismatch",
    "warning",
    "工作区写的行政区划或层级与成员目录的 catalog.yaml 不一致",
    "the workspace's region or level for a member contradicts its catalog.yaml",
    "跨目录规则按工作区文件中每个成员的行政区划和层级比较；成员自己的 catalog.yaml 写的是另一个层级或地区时，"
    "必有一处写错，比较的结果也就不可靠。",
    "工作区 level: 县级，catalog.yaml unit.level: 县级",
    "工作区 level: 市级，catalog.yaml unit.level: 县级",
)

describe(
    "QL975",
    "public-item-mentions-another-units-secret",
    "error",
    "公开事项中提到了另一个成员单位不公开的事项",
    "a public item mentions another member's non-public item",
    "工作区的汇总成果和每个成员的公开成果一起发布。一个单位公开事项的内容中出现另一个单位不予公开、内部公开事项的名称，"
    "发布时就泄露了它（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 附件4）。比较方法同 QL606（全角半角、空格、零宽字符不影响结果）；"
    "在工作区任何一个成员中公开的名称不算泄露，编号只在不与任何公开事项的编号相同时比较。",
    "县局公开事项只写本单位的办理要求",
    "县局公开事项写着“与市局不予公开的‘涉密建设项目审批’一并办理”",
)

WORKSPACE_RULES = ("QL971", "QL972", "QL973", "QL974", "QL975")
WITHDRAWN = {"停止行使", "已取消"}
# where each field sits in a profile (see check.run.Checked.profiles)
NORM, NAME, PATH, ID, BASIC, CATEGORY, LEVELS, LAWS, STATUS, PUBLIC = range(10)
_LAW_NOISE = re.compile(r"[《》〈〉\s]|^中华人民共和国")


def law_names(catalogue) -> dict[str, str]:
    """laws.yaml id -> the law's full name, normalised (so two units' laws.yaml ids need not agree)."""
    out: dict[str, str] = {}
    laws = catalogue.laws.data.get("laws") if catalogue.laws is not None and catalogue.laws.ok else None
    for law in laws if isinstance(laws, list) else []:
        if isinstance(law, dict) and isinstance(law.get("id"), str):
            name = law.get("name") if isinstance(law.get("name"), str) else law["id"]
            out[law["id"]] = _LAW_NOISE.sub("", name)
    return out


def profile(data: dict, laws: dict[str, str]) -> tuple:
    """(basic code, category, levels, laws cited, status, disclosed) of an item, from its summary fields."""
    codes = data.get("codes")
    basic = codes.get("basic") if isinstance(codes, dict) and isinstance(codes.get("basic"), str) else None
    category = data.get("category") if isinstance(data.get("category"), str) else None
    levels = (
        tuple(v for v in data.get("level") or () if isinstance(v, str)) if isinstance(data.get("level"), list) else ()
    )
    cited = set()
    for entry in data.get("basis") or () if isinstance(data.get("basis"), list) else ():
        law = entry.get("law") if isinstance(entry, dict) else None
        if isinstance(law, str):
            cited.add(laws.get(law, _LAW_NOISE.sub("", law)))
    status = data.get("status") if isinstance(data.get("status"), str) else None
    from quanli.core.model import is_public

    return (basic, category, levels, tuple(sorted(cited)), status, is_public(data))


def check(ws, results: dict, catalogs: dict) -> list[Finding]:
    """Findings of QL971-QL974 for a workspace: ``results`` member -> Checked, ``catalogs``
    member -> its catalog.yaml data."""
    from quanli.check.run import display_path, place
    from quanli.loader.workspace import RANK

    label = {m: m.label(catalogs.get(m)) for m in ws.members}
    active = {m: [p for p in results[m].profiles if p[STATUS] not in WITHDRAWN] for m in ws.members if m in results}
    out: list[Finding] = []

    def finding(
        rule: str,
        path: str,
        zh: str,
        en: str,
        where: tuple,
        item: str | None,
        key: bool = False,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        out.append(
            Finding(
                rule=rule,
                severity=RULES[rule].severity,
                file=display_path(path),
                message_zh=zh,
                message_en=en,
                path=where,
                item=item,
                key=key,
                abs_path=path,
                line=line,
                column=column,
            )
        )

    _secrets_across(ws, active, finding)

    # QL971: one region and level, two units, the same power
    groups: dict[tuple, list] = {}
    for m in ws.members:
        groups.setdefault((m.region, m.level), []).append(m)
    for members in groups.values():
        first: dict[tuple, tuple] = {}
        for m in members:
            reported = set()
            for p in active.get(m, ()):
                for kind, value in ((("code", p[BASIC]),) if p[BASIC] else ()) + (("name", p[NORM]),):
                    prev = first.get((kind, value))
                    if prev is None:
                        first[(kind, value)] = (m, p)
                    elif prev[0] is not m and (p[PATH], prev[0]) not in reported:
                        reported.add((p[PATH], prev[0]))
                        other, q = prev
                        why_zh, why_en = (
                            ("基本编码相同", "the same basic code") if kind == "code" else ("名称相同", "the same name")
                        )
                        finding(
                            "QL971",
                            p[PATH],
                            f"“{p[NAME]}”与同级单位{label[other]}的 {display_path(q[PATH])}（{q[ID]}）{why_zh}：同一项权力由两个单位行使，可能是职责交叉，请理顺。",
                            f"'{p[NAME]}' has {why_en} as {display_path(q[PATH])} ({q[ID]}) of {other.key} at the same level: a possible overlap of duties.",
                            ("codes", "basic") if kind == "code" else ("name",),
                            p[ID],
                        )

    # QL972: what the parent says is exercised at this member's level
    for m in ws.members:
        parent = ws.member(m.parent) if m.parent else None
        if parent is None or parent not in active or m not in active:
            continue
        codes = {p[BASIC] for p in active[m] if p[BASIC]}
        names = {p[NORM] for p in active[m]}
        catalog_file = str(m.root / "catalog.yaml")
        for p in active[parent]:
            if m.level not in p[LEVELS] or (p[BASIC] in codes if p[BASIC] else False) or p[NORM] in names:
                continue
            code = f"，基本编码 {p[BASIC]}" if p[BASIC] else ""
            finding(
                "QL972",
                catalog_file,
                f"上级对口单位{label[parent]}的事项“{p[NAME]}”（{display_path(p[PATH])}{code}）的行使层级包含{m.level}，本目录中没有这个事项。",
                f"'{p[NAME]}' of the parent {parent.key} ({display_path(p[PATH])}) is exercised at {m.level}, but this catalogue has no such item.",
                ("unit",),
                p[ID],
                key=True,
            )

    # QL973: the same basic code across levels, compared with the highest level holding it
    by_code: dict[str, list] = {}
    for m in ws.members:
        for p in active.get(m, ()):
            if p[BASIC]:
                by_code.setdefault(p[BASIC], []).append((m, p))
    for code, holders in by_code.items():
        ref_m, ref = min(holders, key=lambda h: (RANK[h[0].level], h[0].index))
        for m, p in holders:
            if RANK[m.level] <= RANK[ref_m.level]:
                continue
            there = f"{label[ref_m]}的 {display_path(ref[PATH])}"
            if p[NORM] != ref[NORM]:
                finding(
                    "QL973",
                    p[PATH],
                    f"基本编码 {code} 的事项名称是“{p[NAME]}”，上级{there}中是“{ref[NAME]}”：同一事项各级名称应基本一致。",
                    f"basic code {code} is named '{p[NAME]}' here but '{ref[NAME]}' in {display_path(ref[PATH])}.",
                    ("name",),
                    p[ID],
                )
            if p[CATEGORY] != ref[CATEGORY]:
                finding(
                    "QL973",
                    p[PATH],
                    f"基本编码 {code} 的事项类别是“{p[CATEGORY]}”，上级{there}中是“{ref[CATEGORY]}”。",
                    f"basic code {code} is a {p[CATEGORY]} here but a {ref[CATEGORY]} in {display_path(ref[PATH])}.",
                    ("category",),
                    p[ID],
                )
            lacking = [law for law in ref[LAWS] if law not in p[LAWS]]
            if lacking:
                finding(
                    "QL973",
                    p[PATH],
                    f"基本编码 {code} 的事项没有引用上级{there}引用的 {'、'.join('《' + x + '》' for x in lacking)}。",
                    f"basic code {code} does not cite {', '.join(lacking)}, which {display_path(ref[PATH])} cites.",
                    ("basis",),
                    p[ID],
                )

    # QL974: the workspace file and the member's own catalog.yaml disagree
    ws_file = str(ws.file)
    for m in ws.members:
        unit = catalogs.get(m, {}).get("unit") if isinstance(catalogs.get(m), dict) else None
        if not isinstance(unit, dict):
            continue
        if isinstance(unit.get("level"), str) and unit["level"] != m.level:
            finding(
                "QL974",
                ws_file,
                f"成员 {m.key} 在工作区中的层级是{m.level}，它的 catalog.yaml 写的是{unit['level']}。",
                f"member {m.key} is at {m.level} here but its catalog.yaml says {unit['level']}.",
                ("members", m.index, "level"),
                None,
            )
        region = unit.get("region")
        if isinstance(region, str) and region and not (region.endswith(m.region) or m.region.endswith(region)):
            finding(
                "QL974",
                ws_file,
                f"成员 {m.key} 在工作区中的行政区划是“{m.region}”，它的 catalog.yaml 写的是“{region}”。",
                f"member {m.key} is in '{m.region}' here but its catalog.yaml says '{region}'.",
                ("members", m.index, "region"),
                None,
            )
    place(out)
    return out


def secrets_across(ws, profiles: dict) -> dict:
    """member -> {folded needle: (member key, id, name)} of the other members' non-public items
    (see QL975); ``profiles``: member -> its items' profiles."""
    from quanli.core.textfold import MIN_NEEDLE, fold

    shown_names = "\0".join(sorted(fold(p[NAME]) for ps in profiles.values() for p in ps if p[PUBLIC]))
    shown_ids = {fold(p[ID]) for ps in profiles.values() for p in ps if p[PUBLIC]}
    own: dict = {}
    for m, ps in profiles.items():
        found = {}
        for p in ps:
            if p[PUBLIC]:
                continue
            name, ident = fold(p[NAME]), fold(p[ID])
            if len(name) >= MIN_NEEDLE and name not in shown_names:
                found.setdefault(name, (m.key, p[ID], p[NAME]))
            if len(ident) >= MIN_NEEDLE and ident not in shown_ids:
                found.setdefault(ident, (m.key, p[ID], p[NAME]))
        own[m] = found
    return {m: {k: v for other, f in own.items() if other is not m for k, v in f.items()} for m in profiles}


def _secrets_across(ws, active: dict, finding) -> None:
    """QL975: each member's public items searched for the other members' non-public names (the
    members' shares on every core when there are many items: reading and folding each public
    file is most of QL975's time)."""
    for_member = secrets_across(ws, active)
    work = []  # (a member's needles, its public items' (path, id))
    for m in ws.members:
        found = for_member.get(m) or {}
        public = [(p[PATH], p[ID]) for p in active.get(m, ()) if p[PUBLIC]]
        if found and public:
            work.append((found, public))
    for (found, _), hits in zip(work, _scan_all([(sorted(found), public) for found, public in work])):
        for path, ident_of_item, needle, line, column in hits:
            key, ident, name = found[needle]
            finding(
                "QL975",
                path,
                f"公开事项中提到了成员 {key} 不公开的事项“{name}”（{ident}）：发布时会泄露它，请删去或改写。",
                f"this public item mentions {key}'s non-public item {ident} ('{name}').",
                (),
                ident_of_item,
                line=line,
                column=column,
            )


def _scan_all(work: list[tuple[list[str], list]]) -> list[list[tuple]]:
    """_scan of each member's (needles, items), in order; a share in a worker process when many."""
    import os

    from quanli.loader.catalogue import PARALLEL_THRESHOLD

    total = sum(len(items) for _, items in work)
    if len(work) < 2 or total < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        return [_scan(needles, items) for needles, items in work]
    from concurrent.futures import ProcessPoolExecutor

    half, count = 0, 0
    while half < len(work) and count * 2 < total:  # the first half of the items stays here
        count += len(work[half][1])
        half += 1
    try:
        pool = ProcessPoolExecutor(max_workers=1)
    except (OSError, RuntimeError, NotImplementedError):
        return [_scan(needles, items) for needles, items in work]
    with pool:
        theirs = pool.submit(_scan_share, work[half:])
        mine = [_scan(needles, items) for needles, items in work[:half]]
        return mine + theirs.result()


def _scan_share(work: list[tuple[list[str], list]]) -> list[list[tuple]]:
    return [_scan(needles, items) for needles, items in work]


def _scan(needles: list[str], items: list[tuple[str, str]]) -> list[tuple]:
    """(path, item id, needle, line, column) of each needle found in the items' files as a reader
    reads them (comment lines left out, folded: quanli.core.textfold)."""
    from pathlib import Path

    from quanli.check.mentions import locate
    from quanli.core.textfold import any_of, fold

    pattern = any_of(sorted(needles, key=lambda n: (-len(n), n)))  # a trie: thousands of names cost little more
    hits = []
    for path, ident in items:
        try:
            text = Path(path).read_bytes().decode("utf-8-sig", "replace")
        except OSError:
            continue
        published = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for needle in sorted(set(pattern.findall(fold(published)))):
            line, column = locate(text, needle)
            hits.append((path, ident, needle, line, column))
    return hits
