"""QL701-QL703: 四个对应: every power corresponds to a duty of the office that exercises it.

银政办内发〔2008〕48号 四.(二).1 (清理 “四个对应”): each power corresponds to a law, to the office's duties, to the
unit's functions and to the government's functions; duties come from the 三定 方案.
坛环法〔2008〕第1号 方法步骤 第二阶段: 职责到位 → publish; 职责不到位 (缺位) → add; 职责越位 → stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule

if TYPE_CHECKING:
    from quanli.check.context import Context


def _departments(ctx):
    return ctx.catalogue.departments()


def _duties(dep) -> list:
    duties = dep.get("duties") if isinstance(dep, dict) else None
    return duties if isinstance(duties, list) else []


@catalogue_rule(
    "QL701",
    "item-without-duty",
    "warning",
    "事项没有对应职责（可能越位）",
    "item maps to no duty (possible overreach)",
    "每项权力都应对应承办处室的一项职责（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号“四个对应”）；找不到对应职责的权力可能是职责越位，应当核实或停止（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：职责越位的，立即停止）。",
    "duties: [ZZ-01]",
    "（没有 duties）",
)
def item_without_duty(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    for sf in ctx.items():
        duties = sf.data.get("duties")
        if not (isinstance(duties, list) and duties):
            ctx.report(
                "QL701",
                sf,
                ("duties",) if "duties" in sf.data else ("department",) if "department" in sf.data else (),
                "事项没有写对应的处室职责（duties），可能是职责越位。请对照三定方案填写职责编号。",
                "the item maps to no duty: possible overreach (越位).",
                key=True,
            )


@catalogue_rule(
    "QL702",
    "duty-without-item",
    "info",
    "职责没有对应的权力事项（可能缺位）",
    "duty with no item (possible gap)",
    "三定方案规定的职责若没有任何权力事项对应，可能是权力清理时漏掉了（职责缺位，金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：职责不到位的，必须补上）。",
    "（每项职责都有事项引用）",
    "（catalog.yaml 中的一项职责无人引用）",
)
def duty_without_item(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    used = {
        d
        for sf in ctx.items()
        for d in (sf.data.get("duties") if isinstance(sf.data.get("duties"), list) else [])
        if isinstance(d, str)
    }
    deps = ctx.catalogue.catalog.get("departments")
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        for j, duty in enumerate(_duties(dep)):
            if isinstance(duty, dict) and isinstance(duty.get("id"), str) and duty["id"] not in used:
                ctx.report(
                    "QL702",
                    ctx.catalogue.catalog,
                    ("departments", i, "duties", j, "id"),
                    f"{dep.get('name')}的职责“{duty['id']}”没有任何事项对应，可能缺位。",
                    f"duty '{duty['id']}' of {dep.get('name')} has no item: possible gap (缺位).",
                )


@catalogue_rule(
    "QL703",
    "duty-of-another-department",
    "warning",
    "对应职责属于另一个处室",
    "duty belongs to another department",
    "权力由哪个处室承办，就应对应哪个处室（或列明的联办机构）的职责（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号“四个对应”）；对应到别的处室，说明承办机构或职责写错了，或存在职责交叉。",
    "department: 审批科\nduties: [ZZ-02]   # ZZ-02 是审批科的职责",
    "department: 审批科\nduties: [ZZ-01]   # ZZ-01 是法制科的职责",
)
def duty_of_other_department(ctx: Context) -> None:
    owner = {}
    for dep in _departments(ctx):
        for duty in _duties(dep):
            if isinstance(duty, dict) and isinstance(duty.get("id"), str):
                owner[duty["id"]] = dep.get("name")
    known = ctx.catalogue.department_names()
    for sf in ctx.items():
        dep = sf.data.get("department")
        if not isinstance(dep, str) or dep not in known:
            continue  # QL116 reports the unknown department
        co = sf.data.get("co_departments") if isinstance(sf.data.get("co_departments"), list) else []
        duties = sf.data.get("duties")
        for i, ref in enumerate(duties if isinstance(duties, list) else []):
            if (
                isinstance(ref, str)
                and ref in owner
                and isinstance(dep, str)
                and owner[ref] != dep
                and owner[ref] not in co
            ):
                ctx.report(
                    "QL703",
                    sf,
                    ("duties", i),
                    f"职责“{ref}”属于{owner[ref]}，而本事项的承办机构是{dep}。",
                    f"duty '{ref}' belongs to {owner[ref]}, but the item's department is {dep}.",
                )
