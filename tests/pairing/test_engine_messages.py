"""Every engine message code has a Chinese template, and rendering falls back to English."""

from pairaid.engine.messages import TEMPLATES, message
from pairaid.pairing.engine_messages import ZH_TEMPLATES, render


def test_every_engine_message_has_a_chinese_template():
    assert sorted(set(TEMPLATES) - set(ZH_TEMPLATES)) == []


def test_rendering_in_chinese_and_english():
    stored = message("level_not_proven", level="leximin_2", gap="0.2%").to_dict()
    assert (
        render(stored, "zh-hans")
        == "目标“字典序最大最小，第 2 层”在限制内未被证明最优（差距 0.2%）"
    )
    by_name = message("level_not_proven", level="max_min_coverage", gap="3.6%").to_dict()
    # a level named by its label
    assert "最大化最低覆盖率" in render(by_name, "zh-hans")
    english = "level leximin_2 was not proven optimal within the limits (gap 0.2%)"
    assert render(stored, "en") == english
    assert render({"code": "unknown_code", "args": {}, "text": "plain"}, "zh-hans") == "plain"


def test_the_matchers_stopped_level_is_named_by_its_label_in_chinese():
    stored = message("start_plan", level="quantity_filled").to_dict()
    assert render(stored, "zh-hans").startswith("求解在目标“满足数量”处因时间限制而停止")
    assert render(stored, "en").startswith(
        'the time limit stopped the solver at the level "quantity_filled"'
    )


def test_the_warm_start_note_names_levels_and_heuristic_in_chinese():
    stored = message(
        "warm_start",
        heuristics=["greedy", "local_search"],
        levels=[{"level": "max_min_coverage", "value": 0.25}, {"level": "leximin_2", "value": 0.6}],
    ).to_dict()
    assert stored["text"] == (
        "greedy + local search found a plan used as warm start "
        "(max_min_coverage 0.25, leximin_2 0.6)"
    )
    text = render(stored, "zh-hans")
    assert "max_min_coverage" not in text and "leximin_2" not in text and "greedy" not in text
    assert "0.25" in text and "0.6" in text and "贪心算法加局部搜索" in text


def test_a_warm_start_note_stored_before_its_arguments_were_data_is_shown_in_english():
    stored = {
        "code": "warm_start",
        "args": {"heuristic": "greedy", "summary": "max_min_coverage 0.25"},
        "text": "greedy found a plan used as warm start (max_min_coverage 0.25)",
    }
    assert render(stored, "zh-hans") == stored["text"]


def test_moves_and_next_best_recipients_are_data_rendered_in_chinese():
    swap = message(
        "best_swap",
        recipient="Y",
        change={
            "kind": "swap",
            "donor": "A",
            "recipient": "Y",
            "other": "B",
            "other_recipient": "X",
        },
        before="0.4",
        after="0.6",
        own_before="0.4",
        own_after="0.8",
    ).to_dict()
    pair = message(
        "pair_contribution",
        donor="A",
        recipient="X",
        quantity="50",
        resource="nurse",
        share="100.0%",
        next_best={"recipient": "Y", "before": "0.4", "after": "0.5"},
    ).to_dict()
    alone = {**pair, "args": {**pair["args"], "next_best": None}}

    assert "swap A (Y) with B (X)" in swap["text"]
    assert "将 A（Y）与 B（X）互换" in render(swap, "zh-hans")
    assert "next best: Y (minimum coverage 0.4 → 0.5)" in pair["text"]
    assert render(pair, "zh-hans").endswith("次优去向：Y（最低覆盖率 0.4 → 0.5）")
    assert render(alone, "zh-hans").endswith("没有可行的其他受援方")


def test_ids_are_named_only_where_they_stand_alone():
    from pairaid.labels import IdNames

    naming = IdNames({"420900": "Xiaogan", "510000/Wenchuan": "Wenchuan"})
    assert naming.text("420900, 510000/Wenchuan; 0.420900 1420900 420900.5 CN:420900") == (
        "Xiaogan, Wenchuan; 0.420900 1420900 420900.5 CN:420900"
    )
    assert naming.value({"change": ["420900"], "count": 3}) == {"change": ["Xiaogan"], "count": 3}
