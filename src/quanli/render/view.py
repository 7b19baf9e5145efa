"""What the deliverables show: one view of a catalogue per audience.

This is the only place that decides what a build may contain. Renderers receive a
CatalogueView, never the raw catalogue, so an item that is not publicly disclosed cannot
reach a public output by accident: it is not in the view at all, nor are the flows that
only such items use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quanli.core.model import PUBLIC_SCOPES, Catalogue, time_limit
from quanli.review.stages import DRAFT, chain_of

WITHDRAWN = ("停止行使", "已取消")  # no longer exercised: not in any catalogue table


def _text(value: Any) -> str:
    if type(value) is str:  # the common case first
        return value.strip()
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def _texts(value: Any) -> list[str]:
    return (
        [t for t in (_text(v) for v in value) if t]
        if isinstance(value, list)
        else ([_text(value)] if _text(value) else [])
    )


def limit_text(value: Any) -> str:
    """A time limit as a clerk writes it: 20 个工作日, 60 自然日, 即办."""
    tl = time_limit(value)
    if tl is None:
        return ""
    note = value.get("note") if isinstance(value, dict) else None
    return tl.text() + (f"（{_text(note)}）" if _text(note) else "")


@dataclass(frozen=True)
class LawRef:
    title: str  # 《中华人民共和国行政许可法》
    article: str
    kind: str
    text: str

    def cite(self) -> str:
        return f"{self.title}{self.article}"


@dataclass(frozen=True)
class Material:
    name: str
    form: str
    copies: str
    required: bool
    note: str


@dataclass
class ItemView:
    id: str
    name: str
    category: str
    subject: str
    department: str
    level: str
    basis: list[LawRef]
    conditions: list[str]
    materials: list[Material]
    statutory: str
    promised: str
    time_note: str
    special_procedures: list[str]
    fee: str
    scope: str
    forms: str
    timing: str
    reason: str
    consult: str
    complaint: str
    location: str
    hours: str
    remedy: list[str]
    penalty: list[str]
    discretion: list[tuple[str, str, str]]
    responsibilities: list[str]
    accountability: list[str]
    flow_id: str
    public: bool
    unit: str = ""  # the unit's name, in a workspace's combined table only
    code_basic: str = ""  # codes.basic: 基本编码 (the province's catalogue code)
    code_impl: str = ""  # codes.implementation: 实施编码
    code_local: str = ""  # codes.local: 本地编码
    # internal editions only: why the item may not be published yet (quanli.review.publishing.marks), set by
    # each build after the memo; out of repr, so the remembered digest of the item's content holds none of it
    pending: str = field(default="", repr=False)
    fee_brief: str = ""  # the fee as the table says it: 不收费（《甲法》第五十八条）, 收费：标准（依据：…）

    def __getattr__(self, name: str):
        """Only for a view from the render memo (render.memo.unpack) whose other fields are still
        packed: the first field asked for unpacks them all (a build after one edit reads six
        fields of an unchanged item, not thirty)."""
        packed = self.__dict__.pop("_packed", None) if not name.startswith("__") else None
        if packed is None:
            raise AttributeError(name)
        from quanli.render.memo import unpack_rest

        self.__dict__.update(unpack_rest(packed))
        return getattr(self, name)

    @property
    def basis_text(self) -> str:
        """Citations grouped by law, in order: 《甲法》第一条、第三条；《乙条例》第五条."""
        grouped: dict[str, list[str]] = {}
        for ref in self.basis:
            grouped.setdefault(ref.title, []).append(ref.article)
        return "；".join(title + "、".join(a for a in articles if a) for title, articles in grouped.items())

    @property
    def codes(self) -> list[tuple[str, str]]:
        """(title, code) of each code the item gives, in the order 基本编码, 实施编码, 本地编码."""
        return [
            (title, code)
            for title, code in (
                ("基本编码", self.code_basic),
                ("实施编码", self.code_impl),
                ("本地编码", self.code_local),
            )
            if code
        ]

    @property
    def limits_text(self) -> str:
        parts = [f"法定：{self.statutory}" if self.statutory else "", f"承诺：{self.promised}" if self.promised else ""]
        return "；".join(p for p in parts if p)

    @property
    def contact_text(self) -> str:
        """咨询：… and 投诉：… (the table's cell), every number said once (see contact_text)."""
        return contact_text(self.consult, self.complaint)


@dataclass
class CatalogueView:
    audience: str  # "public" or "internal"
    unit: str
    title: str  # 行政权力目录 / 职权目录
    version: str
    date: str  # YYYY-MM-DD of the source (reproducible)
    items: list[ItemView]  # in table order: by category, then id
    categories: list[tuple[str, list[ItemView]]]
    confidential: list[ItemView] = field(default_factory=list)  # internal audience only
    flows: dict[str, dict] = field(default_factory=dict)  # only flows used by the items in view
    # 重要权力动态运行情况登记表: (key, heading) of the columns this audience sees, and one row per
    # case of an item in view (public: only the columns the unit publishes, never notes or remarks)
    register_columns: list[tuple[str, str]] = field(default_factory=list)
    register: list[dict[str, str]] = field(default_factory=list)
    estimated_years: list[int] = field(default_factory=list)  # the register's deadlines counted on an estimate
    # results computed once per view and shared by the formats (table rows, column widths);
    # not an init field, so dataclasses.replace() starts a copy with an empty memo
    memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    # what earlier builds remembered of each item (quanli.render.memo.Remembered), or None
    remembered: Any = field(default=None, init=False, compare=False, repr=False)
    columns: Any = None  # the table's columns (render.table); None: the catalogue table's own

    @property
    def internal(self) -> bool:
        return self.audience == "internal"

    @property
    def heading(self) -> str:
        return f"{self.unit}{self.title}"


_SEPARATORS = re.compile(r"\s*[；;]\s*")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇两\d]+[条款项]")


def channels(*texts: str) -> list[str]:
    """The channels of one or more texts split at "；", each said once: an exact repeat is dropped,
    and so is a channel that another one already says in full ("12315" beside
    "12315 市场监管投诉举报热线")."""
    parts: list[str] = []
    for text in texts:
        for part in _SEPARATORS.split(text):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
    return [p for p in parts if not any(p != q and says(q, p) for q in parts)]


def says(text: str, part: str) -> bool:
    """Whether ``text`` contains ``part`` whole: "12315" is in "12315 热线", not in "0519-82312315"."""
    return re.search(r"(?<![0-9A-Za-z])" + re.escape(part) + r"(?![0-9A-Za-z])", text) is not None


def contact_text(consult: str, complaint: str) -> str:
    """咨询：… and 投诉：…, each on a line of its own, a number said once: when the consult number is
    one of the complaint channels, that channel opens the text as 咨询、投诉：… and the others
    follow as 投诉：…."""
    asked, told = channels(consult), channels(complaint)
    both = [c for c in told if any(says(c, a) for a in asked)]
    parts = [
        ("咨询", [a for a in asked if not any(says(c, a) for c in both)]),
        ("咨询、投诉", both),
        ("投诉", [c for c in told if c not in both]),
    ]
    return "\n".join(f"{title}：{'；'.join(texts)}" for title, texts in parts if texts)


def cite_only(basis: str) -> str:
    """A fee's basis as a short citation: the law's title and article, without the article's
    text ("《中华人民共和国行政许可法》第五十八条第一款：行政机关实施……" → "《…》第五十八条第一款").
    A part after "；" that is not a citation (the quoted text went on) is left out too."""
    kept: list[str] = []
    for part in _SEPARATORS.split(basis):
        head, colon, _ = part.partition("：") if "：" in part else part.partition(":")
        head = head.strip().rstrip("。")
        cited = "《" in head or bool(_ARTICLE.search(head))
        if colon and not cited:
            head, cited = part.strip().rstrip("。"), False  # a colon that does not follow a citation: the text stays
        if head and (cited or not kept) and head not in kept:
            kept.append(head)
    return "；".join(kept)


def _item(data: dict, laws: dict[str, dict], default_contact: dict) -> ItemView:
    basis = []
    for entry in data.get("basis") if isinstance(data.get("basis"), list) else []:
        if isinstance(entry, dict):
            law = laws.get(entry.get("law"), {})
            title = f"《{_text(law.get('name')) or _text(entry.get('law'))}》"
            basis.append(LawRef(title, _text(entry.get("article")), _text(entry.get("kind")), _text(entry.get("text"))))
    materials = []
    for m in data.get("materials") if isinstance(data.get("materials"), list) else []:
        if isinstance(m, dict) and _text(m.get("name")):
            materials.append(
                Material(
                    _text(m.get("name")),
                    _text(m.get("form")),
                    _text(m.get("copies")),
                    m.get("required") is not False,
                    _text(m.get("note")),
                )
            )
    tl = data.get("time_limit") if isinstance(data.get("time_limit"), dict) else {}
    fee = data.get("fee") if isinstance(data.get("fee"), dict) else {}
    fee_basis, fee_standard, fee_note = _text(fee.get("basis")), _text(fee.get("standard")), _text(fee.get("note"))
    fee_cite = cite_only(fee_basis) if fee_basis != "不收费" else ""
    if fee.get("charged") is True:
        fee_text = (
            "；".join(
                t
                for t in (f"依据：{fee_basis}" if fee_basis else "", f"标准：{fee_standard}" if fee_standard else "")
                if t
            )
            or "收费"
        )
        fee_brief = ("收费：" + fee_standard.rstrip("。；;") if fee_standard else "收费") + (
            f"（依据：{fee_cite}）" if fee_cite else ""
        )
    elif fee.get("charged") is False:
        fee_text = "不收费" + (f"（{fee_basis}）" if fee_basis and fee_basis != "不收费" else "")
        fee_brief = "不收费" + (f"（{fee_cite}）" if fee_cite else "")
    else:
        fee_text = fee_brief = ""
    if fee_note:
        fee_text = "；".join(t for t in (fee_text, fee_note) if t)
        fee_brief = fee_brief or fee_note  # the table leaves a note out when it says whether a fee is charged
    contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
    codes = data.get("codes") if isinstance(data.get("codes"), dict) else {}

    def pick(key: str) -> str:
        return _text(contact.get(key)) or _text(default_contact.get(key))

    complaint = "；".join(channels(pick("complaint_phone"), pick("complaint_other")))
    disclosure = data.get("disclosure") if isinstance(data.get("disclosure"), dict) else {}
    remedy = data.get("remedy") if isinstance(data.get("remedy"), dict) else {}
    penalty = data.get("penalty") if isinstance(data.get("penalty"), dict) else {}
    resp = data.get("responsibility") if isinstance(data.get("responsibility"), dict) else {}
    specials = [
        _text(sp.get("name")) + (f"（{limit_text(sp.get('limit'))}）" if limit_text(sp.get("limit")) else "")
        for sp in (data.get("special_procedures") if isinstance(data.get("special_procedures"), list) else [])
        if isinstance(sp, dict) and _text(sp.get("name"))
    ]
    return ItemView(
        id=_text(data.get("id")),
        name=_text(data.get("name")),
        category=_text(data.get("category")),
        subject=_text(data.get("subject")),
        department=_text(data.get("department")),
        level="、".join(_texts(data.get("level"))),
        basis=basis,
        conditions=_texts(data.get("conditions")),
        materials=materials,
        statutory=limit_text(tl.get("statutory")),
        promised=limit_text(tl.get("promised")),
        time_note=_text(tl.get("note")),
        special_procedures=specials,
        fee=fee_text,
        scope=_text(disclosure.get("scope")),
        forms="、".join(_texts(disclosure.get("forms"))),
        timing=_text(disclosure.get("timing")),
        reason=_text(disclosure.get("reason")),
        consult=pick("consult_phone"),
        complaint=complaint,
        location=pick("location"),
        hours=pick("hours"),
        remedy=[
            t
            for t in (
                f"行政复议：{_text(remedy.get('reconsideration'))}" if _text(remedy.get("reconsideration")) else "",
                f"行政诉讼：{_text(remedy.get('litigation'))}" if _text(remedy.get("litigation")) else "",
            )
            if t
        ],
        penalty=[
            t
            for t in (
                f"违法行为：{_text(penalty.get('behaviour'))}" if _text(penalty.get("behaviour")) else "",
                f"处罚种类：{'、'.join(_texts(penalty.get('kinds')))}" if _texts(penalty.get("kinds")) else "",
                f"处罚幅度：{_text(penalty.get('range'))}" if _text(penalty.get("range")) else "",
            )
            if t
        ],
        discretion=[
            (_text(t.get("tier")), _text(t.get("circumstances")), _text(t.get("standard")))
            for t in (data.get("discretion") if isinstance(data.get("discretion"), list) else [])
            if isinstance(t, dict)
        ],
        responsibilities=_texts(resp.get("duties")),
        accountability=_texts(resp.get("accountability")),
        flow_id=_text(data.get("flow")),
        public=disclosure.get("scope") in PUBLIC_SCOPES,
        code_basic=_text(codes.get("basic")),
        code_impl=_text(codes.get("implementation")),
        code_local=_text(codes.get("local")),
        fee_brief=fee_brief,
    )


def held_back(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(id, status) of each item a public build leaves out because its review has not reached
    the catalogue's publish_from stage (withdrawn items are left out of every build anyway)."""
    chain = chain_of(catalogue.catalog.data)
    out = []
    for sf in catalogue.items:
        status = sf.data.get("status") if sf.ok else None
        if sf.ok and status not in WITHDRAWN and not chain.published(status or DRAFT):
            out.append((str(sf.data.get("id", sf.stem)), status or DRAFT))
    return sorted(out)


def build_view(
    catalogue: Catalogue,
    audience: str,
    date: str,
    version: str = "",
    memo=None,
    sources: dict[str, bytes] | None = None,
) -> CatalogueView:
    """The catalogue as ``audience`` ("public" or "internal") may see it.

    ``memo`` (quanli.render.memo.RenderMemo) and ``sources`` (each item file's relative path ->
    its source key) let an unchanged item's view, and its parts of the tables, come from an
    earlier build."""
    if audience not in ("public", "internal"):
        raise ValueError(audience)
    from quanli.render import memo as remember

    keys: dict[int, bytes] = {}
    sources = sources if memo is not None and sources else {}
    laws_data = catalogue.laws.get("laws") if catalogue.laws is not None else None
    laws = {law["id"]: law for law in laws_data or [] if isinstance(law, dict) and isinstance(law.get("id"), str)}
    contact = catalogue.catalog.get("contact") if isinstance(catalogue.catalog.get("contact"), dict) else {}
    order = {name: i for i, name in enumerate(catalogue.category_names())}
    shown: list[ItemView] = []
    confidential: list[ItemView] = []
    chain = chain_of(catalogue.catalog.data)
    for sf in catalogue.items:
        if not sf.ok or sf.data.get("status") in WITHDRAWN:
            continue
        if audience == "public" and not chain.published(sf.data.get("status") or DRAFT):
            continue  # not yet signed off for publication (内政办发〔2010〕66号: 未经核定备案的不得行使): see held_back
        key = sources.get(sf.rel)
        packed = memo.get(key, "view") if key is not None else None
        if packed is not None:
            view = remember.unpack(packed)
        else:
            view = _item(sf.data, laws, contact)
            if key is not None:
                memo.put(key, "view", remember.pack(view))
        if key is not None:
            keys[id(view)] = key
        if view.public:
            shown.append(view)
        elif audience == "internal":
            shown.append(view)
            confidential.append(view)
    shown.sort(key=lambda v: (order.get(v.category, len(order)), v.category, v.id))
    groups: dict[str, list[ItemView]] = {}
    for v in shown:
        groups.setdefault(v.category, []).append(v)
    used = {v.flow_id for v in shown}
    flows = {sf.data["id"]: sf.data for sf in catalogue.flows if sf.ok and sf.data.get("id") in used}
    unit = catalogue.catalog.get("unit") if isinstance(catalogue.catalog.get("unit"), dict) else {}
    result = CatalogueView(
        audience=audience,
        unit=_text(unit.get("name")) or catalogue.root.name,
        title=_text(catalogue.catalog.get("title")) or "行政权力目录",
        version=version or _text(catalogue.catalog.get("version")),
        date=date,
        items=shown,
        categories=list(groups.items()),
        confidential=sorted(confidential, key=lambda v: v.id) if audience == "internal" else [],
        flows=dict(sorted(flows.items())),
    )
    result.register_columns, result.register, result.estimated_years = _register(catalogue, shown, audience)
    if memo is not None:
        result.remembered = remember.Remembered(memo, keys)
    return result


def _register(
    catalogue: Catalogue, shown: list[ItemView], audience: str
) -> tuple[list[tuple[str, str]], list[dict[str, str]], list[int]]:
    """The register's columns and rows for this audience (cases of the items in view only), and
    the years whose holidays its deadlines estimate."""
    from pathlib import Path

    from quanli.core.errors import QuanliError
    from quanli.dates import workdays
    from quanli.review import register

    records = [sf for sf in catalogue.records if sf.ok]
    in_view = {v.id: v for v in shown}
    records = [sf for sf in records if sf.data.get("item") in in_view]
    if not records:
        return [], [], []
    settings = catalogue.catalog.get("records") if isinstance(catalogue.catalog.get("records"), dict) else {}
    if audience == "public":
        chosen = settings.get("publish") if isinstance(settings.get("publish"), list) else register.DEFAULT_PUBLISHED
        columns = [(k, h) for k, h in register.COLUMNS if k in chosen]
    else:
        columns = list(register.COLUMNS) + [("remarks", "备注")]
    try:
        cal = workdays.for_catalogue(Path(catalogue.root))
    except QuanliError:  # a broken holidays.yaml: the deadline columns stay empty (records check reports it)
        cal = None
    items = {sf.data.get("id"): sf.data for sf in catalogue.items if sf.ok}
    flows = {sf.data.get("id"): sf.data for sf in catalogue.flows if sf.ok}
    rows = []
    for sf in sorted(
        records,
        key=lambda r: (
            str(r.data.get("accepted", {}).get("date") if isinstance(r.data.get("accepted"), dict) else ""),
            str(r.data.get("case")),
        ),
    ):
        rec = sf.data
        view = in_view[rec["item"]]
        if cal is None:
            values = register.row(rec, None, None, None, internal=audience != "public")
        else:
            values = register.row(
                rec, items.get(rec["item"]), flows.get(view.flow_id), cal, internal=audience != "public"
            )
        values.update({"item": view.id, "name": view.name, "category": view.category, "department": view.department})
        rows.append({k: _text(values.get(k, "")) for k, _ in columns})
    return columns, rows, sorted(cal.estimated_used) if cal is not None else []
