"""Every engine message code has a Chinese template, and rendering falls back to English."""

from pairaid.engine.messages import TEMPLATES, message
from pairaid.pairing.engine_messages import ZH_TEMPLATES, render


def test_every_engine_message_has_a_chinese_template():
    assert sorted(set(TEMPLATES) - set(ZH_TEMPLATES)) == []


def test_rendering_in_chinese_and_english():
    stored = message("level_not_proven", level="leximin_2", gap="0.2%").to_dict()
    assert render(stored, "zh-hans") == "第 leximin_2 层目标在限制内未被证明最优（差距 0.2%）"
    english = "level leximin_2 was not proven optimal within the limits (gap 0.2%)"
    assert render(stored, "en") == english
    assert render({"code": "unknown_code", "args": {}, "text": "plain"}, "zh-hans") == "plain"
