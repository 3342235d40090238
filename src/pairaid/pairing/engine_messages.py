"""Engine messages in the user's language: the engine gives a code, arguments and English text;
the platform renders Chinese from its own templates (a test keeps every code covered).

The engine names participants by their ids (region codes); given the programme's names
(`translate.participant_names`), a message names them as a person reads them, in either
language. The stored message keeps its ids."""

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import get_language

from pairaid.engine.messages import message as english_message
from pairaid.labels import IdNames, engine_label

ZH_TEMPLATES: dict[str, str] = {
    "required": "{path}：必填",
    "wrong_type": "{path}：应为 {expected}，实际为 {got}",
    "too_small": "{path}：应不小于 {minimum}，实际为 {value}",
    "too_large": "{path}：应不大于 {maximum}，实际为 {value}",
    "too_many_levels": "{path}：字典序最大最小（leximin）每个受援方至多一层（{maximum}），实际为 {value}",
    "not_positive": "{path}：应大于 0，实际为 {value}",
    "duplicate_id": "{path}：编号 {id!r} 重复（首次出现于 {first}）",
    "unknown_donor": "{path}：未知的支援方 {id!r}",
    "unknown_recipient": "{path}：未知的受援方 {id!r}",
    "unknown_field": "{path}：未知字段",
    "unknown_objective": "{path}：未知目标 {name!r}（可选：{expected}）",
    "degree_range": "{path}：下限 {minimum} 大于上限 {maximum}",
    "required_and_forbidden": "{path}：结对 {donor}-{recipient} 既被锁定又被禁止",
    "missing_pair_data": "{path}：目标 {objective} 需要每个可选结对的 {field}；有 {count} 个结对缺少，例如 {donor}-{recipient}",
    "unreadable_file": "{path}：无法读取文件：{reason}",
    "gap_format": "{path}：不是 OR-Library GAP 文件：{reason}",
    "unknown_kind": "{path}：未知的问题类型 {value!r}（可选：{expected}）",
    "unknown_bed_type": "{path}：未知的床位类型 {name!r}（可选：{expected}）",
    "unknown_reference": "{path}：未知的{what} {id!r}",
    "duplicate_route": "{path}：从 {site} 到 {facility} 的路程重复给出（首次出现于 {first}）",
    "site_region_mismatch": "{path}：地区 {region} 与机构 {facility} 所在地区 {facility_region} 不一致",
    "placed_beyond": "{site} 的 {patients} 名 {acuity} 患者转往第 {tier} 级的 {facility}：{limit} 小时内更近一级的机构都没有空余的相容床位（可达的更近机构 {closer} 家，均已满）",
    "transport_binding": "地区 {region} 的转运能力 {capacity} 人已用尽，仍有 {unplaced} 名患者没有床位",
    "beds_binding": "{unplaced} 名 {acuity} 患者没有床位：{limit} 小时内所有相容的空余床位都已占用（可达机构 {facilities} 家）",
    "no_bed_in_reach": "{site} 的 {patients} 名 {acuity} 患者在 {limit} 小时内没有设有相容床位的机构",
    "duplicate_distance": "{path}：从 {donor} 到 {recipient} 的距离重复给出（首次出现于 {first}）",
    "worst_fill": "{recipient} 的满足率最低，为其未满足申领的 {share}（同一满足率的受援方 {tied} 个）",
    "nothing_no_offer": "{recipient} 未获分配：没有批次提供 {items}",
    "nothing_not_paired": "{recipient} 未获分配：其所需物资的 {lots} 个批次来自未与其结对的支援方，而援助须按结对进行",
    "nothing_no_distance": "{recipient} 未获分配：其所需物资的 {lots} 个批次的支援方到它的距离未知，无法送达",
    "nothing_lots_used": "{recipient} 未获分配：可送达它的 {lots} 个批次已全部发出或已达发运次数上限，去向的受援方满足率都不高于它",
    "nothing_cut": "{total} 条“未获分配”说明中仅显示 {shown} 条",
    "shipment_cap_binding": "{lots} 个批次已达发运次数上限，仍余 {left}，而其可送达的申领尚未满足：发运次数上限起约束作用",
    "missing_distances": "{count} 对物资相符的支援方与受援方没有距离，无法送达，例如 {donor}-{recipient}",
    "nobody_spared": "{recipients} 个受援方在等待有人提供的物资，但 {lots} 个批次在发运次数上限内最多只能送达其中 {reach} 个：总有受援方得不到分配，因此最低满足率为 0（由计数证明）",
    "start_plan": "求解在目标“{level}”处因时间限制而停止：发运方案是求解器从“就近优先”规则（每个批次在发运次数上限内发往最近的申领）出发找到的最好方案",
    "nearest_kept": "每条申领只保留最近的 {nearest} 个批次；{needs} 条申领达到此上限",
    "placed_beyond_cut": "{total} 条跨级转运说明中仅显示 {shown} 条",
    "no_bed_in_reach_cut": "{total} 条“可达范围内无床位”说明中仅显示 {shown} 条",
    "recipient_unreachable": "受援方 {recipient} 至少需要 {needed} 个支援方，但没有支援方可以支援它（{reason}）",
    "donor_unplaceable": "支援方 {donor} 至少要支援 {needed} 个受援方，但没有受援方可以接收（{reason}）",
    "hall_recipients": "受援方 {recipients} 合计至少需要 {needed} 个结对，但只有支援方 {donors} 能够到达，且合计最多只能提供 {available} 个",
    "hall_donors": "支援方 {donors} 合计至少要建立 {needed} 个结对，但只有受援方 {recipients} 可以接收，且合计最多接收 {available} 个",
    "required_over_degree": "{side} {id} 有 {count} 个锁定结对，但最多只允许 {maximum} 个",
    "required_ineligible": "锁定的结对 {donor}-{recipient} 不可行（{reason}）",
    "absorption_total": "支援方的最小负荷合计为 {needed}，但受援方合计只能吸纳 {available}",
    "solver_infeasible": "{backend} 求解器证明没有满足规则的方案",
    "no_solution_in_time": "在 {seconds} 秒时限内未找到方案",
    "donor_degree_low": "支援方 {donor} 支援 {count} 个受援方，少于 {minimum}",
    "donor_degree_high": "支援方 {donor} 支援 {count} 个受援方，多于 {maximum}",
    "recipient_degree_low": "受援方 {recipient} 有 {count} 个支援方，少于 {minimum}",
    "recipient_degree_high": "受援方 {recipient} 有 {count} 个支援方，多于 {maximum}",
    "forbidden_pair_used": "结对 {donor}-{recipient} 被禁止",
    "required_pair_missing": "缺少锁定的结对 {donor}-{recipient}",
    "pair_not_listed": "结对 {donor}-{recipient} 不在可选结对之列",
    "travel_too_long": "结对 {donor}-{recipient} 需时 {travel_hours} 小时，超过上限 {maximum} 小时",
    "absorption_exceeded": "受援方 {recipient} 负荷 {load}，超过吸纳能力 {maximum}",
    "over_capacity": "支援方 {donor} 共提供 {resource} {given}，超过其能力 {capacity}",
    "negative_allocation": "结对 {donor}-{recipient} 分配 {resource} {value}",
    "fractional_allocation": "结对 {donor}-{recipient} 分配 {resource} {value}，而该资源按整数计",
    "duplicate_pair": "结对 {donor}-{recipient} 在方案中出现多次",
    "churn_over_budget": "方案变动 {churn} 个结对，超过上限 {budget}",
    "split_derived": "方案未给出支援方能力的分配；覆盖率按其字典序最大最小（leximin）分配计算（仅在方案自身的结对上计算；人员按整人分配）",
    "recipient_without_need": "受援方 {recipient} 没有正的需求，不参与公平性计算",
    "unknown_travel": "方案中有 {count} 个结对缺少路程时间；总路程不计这些结对",
    "warm_start": "{heuristics} 找到一个方案作为初始解（{levels}）",
    "stopped": "运行在 {seconds} 秒后被停止；返回目前找到的最佳方案",
    "level_not_proven": "目标“{level}”在限制内未被证明最优（差距 {gap}）",
    "cpsat_precision": "CP-SAT 以整数求解：覆盖率精度为 1/{scale}；最优性在该精度内成立",
    "best_swap": "{recipient}：最佳单项调整为 {change}；最低覆盖率 {before} → {after}，{recipient} 的覆盖率 {own_before} → {own_after}",
    "no_better_swap": "{recipient}：任何单项调动或互换都不能改进方案",
    "explanations_cut": "在时限内仅对 {pairs_in_all} 个结对中的 {pairs} 个、{recipients_in_all} 个受援方中的 {recipients} 个给出了单项调整说明",
    "pair_contribution": "{donor} → {recipient}：提供 {resource} {quantity}，占 {recipient} 需求的 {share}；{alternative}",
    "price_of_fairness": "公平的代价：公平方案的{measure}为 {fair}，{objective} 方案为 {cheapest}（多 {extra}）；{objective} 方案的最低覆盖率为 {cheap_min}，公平方案为 {fair_min}",
    "worst_off": "{recipient} 覆盖率最低，为 {coverage}：最紧缺的资源是 {resource}（{received}/{need}）；其支援方：{donors}",
    "worst_off_limit": "{recipient}：{limit}",
}


def render(
    message: dict[str, Any], language: str | None = None, names: Mapping[str, str] | None = None
) -> str:
    """A stored engine message (code, args, text) in the user's language; English as fallback.
    With `names` (engine id -> name), the participants it mentions are named, not coded."""
    language = language or get_language() or "en"
    code = str(message.get("code", ""))
    arguments = dict(message.get("args", {}))
    naming = IdNames(names or {})
    arguments = _named_arguments(arguments, naming)
    template = ZH_TEMPLATES.get(code) if language.startswith("zh") else None
    if template is None:
        return _english(message, code, arguments, naming)
    in_words = _IN_WORDS.get(code)
    if in_words is not None:
        with translation.override(language):
            arguments = in_words(arguments)
    try:
        return template.format(**arguments)
    except (KeyError, IndexError, ValueError):
        return naming.text(str(message.get("text", "")))


def _named_arguments(arguments: dict[str, Any], naming: IdNames) -> dict[str, Any]:
    # A path ("policy.lock[0]") and a level code are not names; the rest may hold ids.
    return {
        key: value if key in ("path", "level", "levels") else naming.value(value)
        for key, value in arguments.items()
    }


def _english(message: dict[str, Any], code: str, arguments: dict[str, Any], naming: IdNames) -> str:
    """The English text, made again from the named arguments by the engine's own template; a
    message stored in an older shape keeps its text, with the ids in it named."""
    stored = str(message.get("text", ""))
    if not naming:
        return stored
    try:
        return english_message(code, **arguments).text
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return naming.text(stored)


_ZH_HEURISTICS = {
    "greedy": "贪心算法",
    "matching": "匹配构造",
    "worst_off": "最差者提升搜索",
    "relaxation": "线性松弛方案",
    "cost_search": "成本搜索",
    "local_search": "局部搜索",
}


def _warm_start_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """The warm start's heuristics (codes) and level values (level code and number), kept as
    data by the engine, in the user's language: level codes become their labels. A message
    stored before they were data has neither and is shown in English."""
    if not isinstance(arguments.get("heuristics"), list | tuple):
        return arguments
    names = [_ZH_HEURISTICS.get(str(code), str(code)) for code in arguments["heuristics"]]
    arguments["heuristics"] = "加".join(names)
    arguments["levels"] = "，".join(
        f"{engine_label(item['level'])} {float(item['value']):.6g}"
        for item in arguments.get("levels", [])
    )
    return arguments


def _next_best_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """A pair's next-best recipient (data) in words; a message stored when it was English text
    keeps its text."""
    if "next_best" not in arguments:
        return arguments
    best = arguments["next_best"]
    if best is None:
        arguments["alternative"] = "没有可行的其他受援方"
    else:
        coverage = f"最低覆盖率 {best['before']} → {best['after']}"
        arguments["alternative"] = f"次优去向：{best['recipient']}（{coverage}）"
    return arguments


def _change_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """A move or swap (data) in words; one stored as English text is kept."""
    change = arguments.get("change")
    if not isinstance(change, dict):
        return arguments
    if change.get("kind") == "move":
        arguments["change"] = f"将 {change['donor']} 从 {change['source']} 调到 {change['target']}"
    else:
        arguments["change"] = (
            f"将 {change['donor']}（{change['recipient']}）与 "
            f"{change['other']}（{change['other_recipient']}）互换"
        )
    return arguments


def _level_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """A level's code (`max_min_coverage`) as its label in the user's language."""
    if "level" in arguments:
        arguments["level"] = engine_label(str(arguments["level"]))
    return arguments


_IN_WORDS = {
    "warm_start": _warm_start_arguments,
    "level_not_proven": _level_arguments,
    "start_plan": _level_arguments,
    "pair_contribution": _next_best_arguments,
    "best_swap": _change_arguments,
}
"""Codes whose arguments are data: how they are put in words here."""
