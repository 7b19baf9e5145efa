"""``quanli.toml``: severities, rules on or off, ignored paths, fail level, catalogue settings.

Searched upwards from each catalogue (the nearest file wins), or given with --config.

    fail-level = "warning"            # error | warning | info
    select = ["QL1", "QL4"]           # rules to run (ids, groups or names); default: all
    ignore = ["QL702"]                # rules to skip
    exclude = ["items/drafts/*"]      # files not reported on (globs, relative to this file)
    docs-url = "https://example.org/quanli/rules.html"   # base for help links

    [rules]                           # per-rule severity, or "off"
    QL205 = "error"
    QL702 = "off"

    [catalog]                         # override catalog.yaml settings for catalogues below
    id-pattern = "^[A-Z]{2}-[0-9]{3}$"
    categories = ["行政许可", "行政处罚"]
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.findings import Finding, Severity
from quanli.core.fsutil import present

CONFIG_FILE = "quanli.toml"
_TOP_KEYS = {"fail-level", "select", "ignore", "exclude", "docs-url", "rules", "catalog"}
_CATALOG_KEYS = {"id-pattern": "id_pattern", "flow-id-pattern": "flow_id_pattern", "categories": "categories"}


@dataclass
class Config:
    path: Path | None = None
    fail_level: Severity | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    severities: dict[str, Severity | None] = field(default_factory=dict)  # None = off
    catalog: dict = field(default_factory=dict)
    docs_url: str | None = None

    def catalog_key(self) -> bytes:
        return json.dumps(self.catalog, ensure_ascii=False, sort_keys=True).encode()

    def excluded(self, abs_path: str | None) -> bool:
        if not abs_path or not self.exclude or self.path is None:
            return False
        try:
            rel = Path(os.path.relpath(abs_path, self.path.parent)).as_posix()
        except ValueError:
            return False
        return any(fnmatch.fnmatch(rel, pat) for pat in self.exclude)


def _load_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    from quanli.core.fsutil import RefusedFile, read_error, read_regular
    from quanli.loader.yamlparse import MAX_FILE_BYTES

    try:  # a regular file of sane size only: a FIFO would hang the command, /dev/zero fill the memory
        return tomllib.loads(read_regular(path, MAX_FILE_BYTES).decode())
    except RefusedFile as exc:
        raise read_error("配置文件", "the config file", path, exc) from None
    except OSError as exc:
        raise QuanliError(f"无法读取配置文件 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise QuanliError(
            f"配置文件 {path} 不是 UTF-8 编码，请另存为 UTF-8。", f"{path} is not UTF-8; save it as UTF-8."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        pos = f":{where.group(1)}:{where.group(2)}" if where else ""
        raise QuanliError(
            f"配置文件 {path}{pos} 不是合法的 TOML：{exc}", f"{path}{pos} is not valid TOML: {exc}"
        ) from None


def _fail(path: Path, zh: str, en: str) -> QuanliError:
    return QuanliError(f"配置文件 {path}：{zh}", f"{path}: {en}")


def _severity(path: Path, key: str, value) -> Severity | None:
    if value == "off":
        return None
    try:
        return Severity.parse(str(value))
    except KeyError:
        raise _fail(
            path,
            f"{key} 的值“{value}”无效，应为 error、warning、info 或 off。",
            f"{key} = '{value}' must be error, warning, info or off.",
        ) from None


def _strings(path: Path, key: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, f"{key} 应为文字列表。", f"{key} must be a list of strings.")
    return value


def load(path: Path) -> Config:
    from quanli.check.registry import load_all
    from quanli.check.suppress import known

    load_all()
    raw = _load_toml(path)
    raw = raw.get("tool", {}).get("quanli", raw) if path.name == "pyproject.toml" else raw
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _fail(
            path,
            f"不认识的设置“{'、'.join(sorted(unknown))}”。可用：{'、'.join(sorted(_TOP_KEYS))}。",
            f"unknown setting(s): {', '.join(sorted(unknown))}.",
        )
    cfg = Config(path=path.resolve())
    if "fail-level" in raw:
        cfg.fail_level = _severity(path, "fail-level", raw["fail-level"])
        if cfg.fail_level is None:
            raise _fail(path, "fail-level 不能是 off。", "fail-level cannot be off.")
    for key in ("rules", "catalog"):
        if key in raw and not isinstance(raw[key], dict):
            raise _fail(path, f"[{key}] 应为表（[{key}] 开头的一节）。", f"{key} must be a table.")
    cfg.select = _strings(path, "select", raw.get("select", []))
    cfg.ignore = _strings(path, "ignore", raw.get("ignore", []))
    cfg.exclude = _strings(path, "exclude", raw.get("exclude", []))
    for sel in cfg.select + cfg.ignore:
        if not known(sel):
            raise _fail(
                path, f"“{sel}”不是已知的规则编号、组或名称。", f"'{sel}' is not a known rule id, group or name."
            )
    rules = raw.get("rules", {})
    if not isinstance(rules, dict):
        raise _fail(path, "[rules] 应为表。", "[rules] must be a table.")
    for rule_id, value in rules.items():
        if not known(rule_id):
            raise _fail(path, f"[rules] 中的“{rule_id}”不是已知的规则。", f"[rules] '{rule_id}' is not a known rule.")
        cfg.severities[rule_id] = _severity(path, f"[rules] {rule_id}", value)
    catalog = raw.get("catalog", {})
    for key, value in catalog.items() if isinstance(catalog, dict) else []:
        if key not in _CATALOG_KEYS:
            raise _fail(path, f"[catalog] 中不认识的设置“{key}”。", f"unknown [catalog] setting '{key}'.")
        if key == "categories":
            ok = isinstance(value, list) and all(
                isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("name"), str)) for v in value
            )
            if not ok:
                raise _fail(
                    path,
                    '[catalog] categories 应为类别名称的列表，或 {name = "…", code = "…"} 的列表。',
                    "[catalog] categories must be a list of names or of {name, code} tables.",
                )
            value = [
                {"name": v}
                if isinstance(v, str)
                else {"name": v["name"], **({"code": str(v["code"])} if "code" in v else {})}
                for v in value
            ]
        if key in ("id-pattern", "flow-id-pattern"):
            try:
                re.compile(str(value).replace("{code}", "X"))
            except re.error as exc:
                raise _fail(
                    path,
                    f"[catalog] {key} “{value}”不是有效的正则表达式：{exc}。",
                    f"[catalog] {key} is not a valid regular expression: {exc}.",
                ) from None
        cfg.catalog[_CATALOG_KEYS[key]] = value
    if isinstance(raw.get("docs-url"), str):
        cfg.docs_url = raw["docs-url"]
    return cfg


def find(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / CONFIG_FILE
        if present(candidate):  # a FIFO or a device too: refused by name when read, never skipped silently
            return candidate
    return None


def resolve(start: Path, explicit: Path | None) -> Config:
    if explicit is not None:
        if not present(explicit):
            raise QuanliError(f"配置文件不存在：{explicit}", f"config file not found: {explicit}")
        return load(explicit)
    found = find(start)
    return load(found) if found else Config()


def apply(findings: list[Finding], cfg: Config, select: list[str], ignore: list[str]) -> list[Finding]:
    """Severity overrides, rules switched off, select/ignore (config and command line), excluded paths."""
    from quanli.check.suppress import matches

    select = select or cfg.select
    ignore = ignore + cfg.ignore
    out = []
    for f in findings:
        unreadable = f.rule < "QL110" and f.rule.startswith("QL10")  # a file that could not be read is never hidden
        if not unreadable and select and not any(matches(s, f.rule) for s in select):
            continue
        if not unreadable and any(matches(s, f.rule) for s in ignore) or cfg.excluded(f.abs_path):
            continue
        override = _override(cfg.severities, f.rule, f.severity)
        if override is None:
            continue
        f.severity = override
        out.append(f)
    return out


def _override(severities: dict, rule_id: str, default: Severity) -> Severity | None:
    """The most specific [rules] entry for a rule: its id or name, then the longest group."""
    from quanli.check.registry import RULES
    from quanli.check.suppress import matches

    rule = RULES.get(rule_id)
    for key in (rule_id, rule.name if rule else None):
        if key in severities:
            return severities[key]
    groups = sorted((sel for sel in severities if matches(sel, rule_id)), key=len, reverse=True)
    return severities[groups[0]] if groups else default


def active_rules(cfg: Config, select: list[str], ignore: list[str]) -> set[str] | None:
    """The rule ids worth running: selected, not ignored, not switched off. None means all."""
    from quanli.check.registry import RULES
    from quanli.check.suppress import matches

    select = select or cfg.select
    ignore = ignore + cfg.ignore
    off = [sel for sel, sev in cfg.severities.items() if sev is None]
    if not (select or ignore or off):
        return None
    out = set()
    for rid in RULES:
        if select and not any(matches(s, rid) for s in select):
            continue
        if any(matches(s, rid) for s in ignore):
            continue
        if off and _override(cfg.severities, rid, RULES[rid].severity) is None:
            continue
        out.add(rid)
    return out
