"""Plain-text descriptions of sync plans for the panel (kept apart so they can be read without Qt)."""

from __future__ import annotations

from typing import Any

TABLE_LABELS = {
    "member": "党员", "member_change": "党员变动记录", "transfer": "组织关系转接", "party_group": "党小组",
    "branch": "支部信息", "joint_unit": "联合单位", "committee_term": "支委会届次", "committee_member": "支委",
    "setting": "设置", "meeting": "会议记录", "dues_payment": "党费缴纳", "dues_determination": "党费核定",
    "dues_remittance": "党费上缴", "dues_payment_month": "党费按月分配", "amendment": "更正记录",
}


def describe_plan(plan: Any) -> str:
    if plan.problems:
        return "无法导出：" + "；".join(plan.problems)
    period = f"{plan.period_start} 至 {plan.period_end}" if plan.period_start else f"建账起至 {plan.period_end}"
    tables = "、".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in plan.tables) or "无变更记录"
    years = "、".join(str(y) for y in plan.ledger_years)
    return (f"第 {plan.sequence} 号包（支部代码 {plan.branch_code}），期间 {period}。\n"
            f"记录 {plan.record_count} 条：{tables}。\n"
            f"审计记录 {plan.audit_entries} 条；新附件 {plan.attachments} 个；{years} 年度签名台账。")
