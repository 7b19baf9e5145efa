"""The catalogue as loaded: source files with their data, plus typed views used by checks and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quanli.loader.yamlparse import ParseFailure

NATIONAL_CATEGORIES = [
    ("01", "行政许可"),
    ("02", "行政处罚"),
    ("03", "行政强制"),
    ("04", "行政征收"),
    ("05", "行政给付"),
    ("06", "行政检查"),
    ("07", "行政确认"),
    ("08", "行政奖励"),
    ("09", "行政裁决"),
    ("10", "其他行政权力"),
    ("20", "公共服务"),
]
PUBLIC_SCOPES = ("社会公开", "依申请公开")
# words in an exit's label (or its step's name) that mark a loop back as a return: 补正, 退回 …
RETURN_WORDS = ("补正", "退回", "回退", "返回", "重新", "补充", "修改", "再次", "整改", "重办")
DEFAULT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


@dataclass
class SourceFile:
    """One YAML file of a catalogue and what reading it gave."""

    path: str  # absolute path on disk
    rel: str  # posix path relative to the catalogue root, e.g. "items/HB-XK-001.yaml"
    kind: str  # "catalog", "laws", "item", "flow" or "record" (records/: the operation register)
    data: Any = None  # parsed document (None when reading failed)
    failure: ParseFailure | None = None
    blob: bytes | None = field(default=None, repr=False)  # the file's bytes, when read in this run
    facts: list = field(default_factory=list, repr=False)  # source facts from the loader: (kind, line, column)
    problems: list | None = field(default=None, repr=False)  # schema problems found by the loader (None: not checked)

    @property
    def ok(self) -> bool:
        return self.failure is None and isinstance(self.data, dict)

    @property
    def stem(self) -> str:
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default


@dataclass
class Stray:
    """Something in a catalogue folder that is not part of the format."""

    rel: str
    is_dir: bool
    kind: str = ""  # "symlink", "special" (FIFO, device) or "" for an ordinary file or folder


@dataclass
class Catalogue:
    root: Path
    catalog: SourceFile
    laws: SourceFile | None
    items: list[SourceFile] = field(default_factory=list)
    flows: list[SourceFile] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # rel paths of required files/folders that are absent
    overrides: dict = field(default_factory=dict)  # settings from quanli.toml [catalog], over catalog.yaml
    records: list[SourceFile] = field(default_factory=list)  # records/: cases of important powers (optional)

    def files(self) -> list[SourceFile]:
        out = [self.catalog]
        if self.laws is not None:
            out.append(self.laws)
        return out + self.items + self.flows + self.records

    @property
    def settings(self) -> dict:
        settings = self.catalog.get("settings")
        return {**(settings if isinstance(settings, dict) else {}), **self.overrides}

    def category_names(self) -> list[str]:
        configured = self.settings.get("categories")
        if isinstance(configured, list) and configured:
            return [c.get("name") for c in configured if isinstance(c, dict) and isinstance(c.get("name"), str)]
        return [name for _, name in NATIONAL_CATEGORIES]

    def category_codes(self) -> dict[str, str]:
        """Category name -> code (from settings.categories, else the national codes)."""
        configured = self.settings.get("categories")
        if isinstance(configured, list) and configured:
            return {
                c["name"]: str(c["code"])
                for c in configured
                if isinstance(c, dict) and isinstance(c.get("name"), str) and c.get("code") is not None
            }
        return {name: code for code, name in NATIONAL_CATEGORIES}

    def department_names(self) -> set[str]:
        return {d["name"] for d in self.departments() if isinstance(d.get("name"), str)}

    def departments(self) -> list[dict]:
        deps = self.catalog.get("departments")
        return [d for d in deps if isinstance(d, dict)] if isinstance(deps, list) else []

    def duty_ids(self) -> set[str]:
        out: set[str] = set()
        for dep in self.departments():
            duties = dep.get("duties")
            for duty in duties if isinstance(duties, list) else []:
                if isinstance(duty, dict) and isinstance(duty.get("id"), str):
                    out.add(duty["id"])
        return out

    def law_entries(self) -> list[dict]:
        laws = self.laws.get("laws") if self.laws is not None else None
        return [law for law in laws if isinstance(law, dict)] if isinstance(laws, list) else []

    def law_ids(self) -> set[str]:
        return {law["id"] for law in self.law_entries() if isinstance(law.get("id"), str)}

    def flow_ids(self) -> set[str]:
        return {f.data["id"] for f in self.flows if f.ok and isinstance(f.data.get("id"), str)}

    @property
    def name(self) -> str:
        unit = self.catalog.get("unit")
        if isinstance(unit, dict) and isinstance(unit.get("name"), str):
            return unit["name"]
        return self.root.name


def is_public(item: dict) -> bool:
    """True only when the item is explicitly disclosed to society (社会公开 or 依申请公开)."""
    disclosure = item.get("disclosure")
    return isinstance(disclosure, dict) and disclosure.get("scope") in PUBLIC_SCOPES


# ---- time limits -------------------------------------------------------------------------

WORKING_DAYS_PER_UNIT = {"工作日": 1.0, "自然日": 5 / 7, "小时": 1 / 8, "个月": 21.0}


@dataclass(frozen=True)
class TimeLimit:
    value: float
    unit: str = "工作日"

    def working_days(self) -> float:
        """Approximate length in working days (5 working days a week, 8 hours a day, 21 a month)."""
        return self.value * WORKING_DAYS_PER_UNIT.get(self.unit, 1.0)

    def text(self) -> str:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return "即办" if value == 0 else f"{value} 个{self.unit}" if self.unit == "工作日" else f"{value} {self.unit}"


def time_limit(value: Any) -> TimeLimit | None:
    """Read a time limit written as a number (working days) or as {value, unit}."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return TimeLimit(float(value))
    if (
        isinstance(value, dict)
        and isinstance(value.get("value"), (int, float))
        and not isinstance(value.get("value"), bool)
    ):
        unit = value.get("unit") if isinstance(value.get("unit"), str) else "工作日"
        return TimeLimit(float(value["value"]), unit)
    return None


def item_flows(catalogue: Catalogue) -> dict[str, list[SourceFile]]:
    """Flow id -> the items that use it."""
    out: dict[str, list[SourceFile]] = {}
    for sf in catalogue.items:
        if sf.ok and isinstance(sf.data.get("flow"), str):
            out.setdefault(sf.data["flow"], []).append(sf)
    return out
