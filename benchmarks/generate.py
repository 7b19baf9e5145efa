"""Generate a realistic catalogue of N items for benchmarks.

Names, departments, materials and conditions come from the real published items in
``../shared/data/gd-policy.jsonl`` (beside the repository) when it is there, cycled and
numbered to reach N; flows are shared (one per category, as real units do) plus one
individual flow per 50 items. Usage: python benchmarks/generate.py N OUT_DIR
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gd-policy.jsonl"
CATS = [
    ("XK", "行政许可"),
    ("CF", "行政处罚"),
    ("QZ", "行政强制"),
    ("JC", "行政检查"),
    ("QR", "行政确认"),
    ("JL", "行政奖励"),
    ("GF", "行政给付"),
    ("CJ", "行政裁决"),
    ("QT", "其他行政权力"),
    ("FW", "公共服务"),
]
LAWS = ["行政许可法", "行政处罚法", "行政强制法", "政府信息公开条例"] + [f"示例条例{i:02d}" for i in range(46)]
NUMS = "一二三四五六七八九十"


def _records() -> list[dict]:
    if not DATA.is_file():
        return [
            {
                "matter_name": f"示例事项{i}",
                "DEPT_NAME": f"示例局{i % 30}",
                "material_intro": ["申请书", "身份证明"],
                "accept_standard": "申请人应当符合法律法规规定的条件。" * 5,
                "handle_location": "示例市政务服务中心",
            }
            for i in range(500)
        ]
    with open(DATA, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _article(n: int) -> str:
    n = n % 99 + 1
    tens, ones = divmod(n, 10)
    text = (NUMS[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (NUMS[ones - 1] if ones else "")
    return f"第{text}条"


def _flow(fid: str, name: str, steps: int) -> str:
    lines = [
        "# yaml-language-server: $schema=../.quanli/schemas/flow.schema.json",
        f"id: {fid}",
        f"name: {name}",
        "complaint: {phone: 0755-12345678}",
        "steps:",
    ]
    for i in range(steps):
        lines += [
            f"  - id: s{i}",
            f"    name: 步骤{i + 1}",
            f"    type: {'start' if i == 0 else 'end' if i == steps - 1 else 'process'}",
            "    post: 承办人员",
            "    time_limit: {value: 1, unit: 工作日}",
            "    supervision: 科室负责人审核",
        ]
        if i == steps - 2:
            lines.append("    disclosure: {scope: 社会, forms: [门户网站], timing: 作出决定之日起 7 个工作日内}")
        if i < steps - 1:
            lines.append(f"    next: [s{i + 1}]")
    return "\n".join(lines) + "\n"


# words QL802 reads as a placeholder: real published data has a few ("关于报备xxx项目…的函"), and a
# public build refuses an item that holds one, so the generated catalogue gets a real word instead
_PLACEHOLDERS = re.compile(r"待定|待补充|待完善|XXX|xxx|ＸＸＸ|TODO|TBD|暂无")


def _clean(text: str, limit: int) -> str:
    return _PLACEHOLDERS.sub("某", " ".join(str(text).replace("'", "’").split()))[:limit]


def _phone(value) -> str:
    value = _clean(value or "", 60)
    return value if value and value != "无" else "12345"


# signed through the chain by hand (no fingerprint), as a unit that adopted quanli review would have them
SIGNOFFS = "\n".join(
    ["signoffs:"]
    + [
        f"  - {{stage: {st}, role: {role}, name: {name}, date: '{day}'}}"
        for st, role, name, day in (
            ("初核", "政务公开领导小组", "王明", "2026-01-06"),
            ("审核", "党组", "李华", "2026-01-08"),
            ("审定", "主任", "张强", "2026-01-12"),
            ("公布", "政务公开办公室", "赵敏", "2026-01-13"),
        )
    ]
)


def generate(n: int, out: Path, seed: int = 7) -> None:
    rnd = random.Random(seed)
    recs = _records()
    (out / "items").mkdir(parents=True, exist_ok=True)
    (out / "flows").mkdir(exist_ok=True)
    deps = sorted({r.get("DEPT_NAME") or "办公室" for r in recs})[:30]
    dep_yaml = "\n".join(
        f"  - name: {d}科\n    duties:\n      - id: ZZ-{i:03d}\n        text: 负责{d}相关行政权力事项的办理。"
        for i, d in enumerate(deps)
    )
    (out / "catalog.yaml").write_text(
        "schema_version: 1\nsample: true\nunit:\n  name: 基准测试市人民政府\n  level: 市级\n"
        "settings:\n  id_pattern: ^[A-Z]{2}-[0-9]{6}$\n  flow_id_pattern: ^[A-Z]{2}-[A-Z0-9]+$\n"
        f"departments:\n{dep_yaml}\n",
        encoding="utf-8",
    )
    laws = "\n".join(
        f"  - id: {law}\n    name: 中华人民共和国{law}\n    level: 法律\n    status: 现行有效" for law in LAWS
    )
    (out / "laws.yaml").write_text(f"schema_version: 1\nlaws:\n{laws}\n", encoding="utf-8")
    for code, cat in CATS:
        (out / "flows" / f"{code}-TY.yaml").write_text(_flow(f"{code}-TY", f"{cat}通用流程图", 8), encoding="utf-8")
    for i in range(n):
        r = recs[i % len(recs)]
        code, cat = CATS[i % len(CATS)]
        iid = f"{code}-{i:06d}"
        flow = f"{code}-TY"
        if i % 50 == 0:
            flow = f"{code}-F{i:06d}"
            (out / "flows" / f"{flow}.yaml").write_text(
                _flow(flow, f"{r.get('matter_name', '事项')}流程图", 6), encoding="utf-8"
            )
        dep = deps[i % len(deps)]
        name = _clean(r.get("matter_name") or r.get("TASK_NAME") or "事项", 120)
        mats = r.get("material_intro") or ["申请书"]
        cond = _clean(r.get("accept_standard") or "申请人应当符合法定条件", 300) or "申请人应当符合法定条件"
        laws_used = rnd.sample(LAWS, 2)
        body = [
            "# yaml-language-server: $schema=../.quanli/schemas/item.schema.json",
            f"id: {iid}",
            f"name: '{name}（{i}）'",
            f"category: {cat}",
            f"subject: {r.get('DEPT_NAME') or '基准测试局'}",
            f"department: {dep}科",
            "level: [市级]",
            f"duties: [ZZ-{deps.index(dep):03d}]",
            f"flow: {flow}",
            "basis:",
        ]
        for law in laws_used:
            body += [
                f"  - law: {law}",
                f"    article: {_article(rnd.randrange(99))}",
                "    kind: 实施依据",
                f"    text: '{cond[:120]}'",
            ]
        body += ["conditions:", f"  - '{cond}'", "materials:"]
        for m in mats[:6]:
            body += [f"  - name: '{_clean(m, 80) or '申请书'}'", "    form: 原件", "    copies: 1"]
        if cat == "行政处罚":
            body += [
                "time_limit:",
                "  statutory: {value: 90, unit: 自然日}",
                "  promised: {value: 60, unit: 自然日}",
                "penalty:",
                "  behaviour: 违反有关规定的行为",
                "  kinds: [警告, 罚款]",
                "  range: 处一万元以上十万元以下罚款",
                "discretion:",
                "  - {tier: 一般, circumstances: 初次违法且危害较小, standard: 处一万元以上五万元以下罚款}",
                "  - {tier: 严重, circumstances: 多次违法或者危害较大, standard: 处五万元以上十万元以下罚款}",
            ]
        else:
            body += ["time_limit:", "  statutory: {value: 20, unit: 工作日}", "  promised: {value: 10, unit: 工作日}"]
        if cat == "行政许可":
            body += ["fee: {charged: false}"]
        body += [
            "contact:",
            f"  consult_phone: '{_phone(r.get('consult_phone'))}'",
            f"  complaint_phone: '{_phone(r.get('complaint_phone'))}'",
            f"  location: '{_clean(r.get('handle_location') or '政务服务中心', 100)}'",
            "remedy:",
            "  reconsideration: 可以自知道该行政行为之日起六十日内依法申请行政复议。",
            "  litigation: 可以自知道或者应当知道作出行政行为之日起六个月内依法提起行政诉讼。",
            "responsibility:",
            "  duties: [受理责任, 审查责任, 决定责任, 送达责任]",
            "  accountability: [对符合条件的申请不予受理的, 超过法定期限作出决定的]",
            "disclosure:",
        ]
        body += (
            ["  scope: 不予公开", "  reason: 涉及国家秘密"]
            if i % 97 == 0
            else ["  scope: 社会公开", "  forms: [门户网站, 政务服务网]", "  timing: 长期公开"]
        )
        body += ["status: 公布", SIGNOFFS, "dates: {updated: '2026-01-05'}"]
        (out / "items" / f"{iid}.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
