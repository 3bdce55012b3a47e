"""bonus: limits that contradict each other, and a key with no effect in the chosen mode, are
refused naming the key (were accepted: which bound wins, or that pool_amount is ignored, was
not visible in the config)."""

from __future__ import annotations

import pytest
from example_config import refused_run


def _limits(**values):
    return lambda bonus: bonus["limits"].update(values)


CASES = [
    ("cap below floor", _limits(cap=100, floor=500),
     "bonus.limits: floor (500) is above cap (100): no gross bonus can keep both; lower the "
     "floor or raise the cap",
     "bonus.limits：保底（500）高于封顶（100）：没有任何应发奖金能同时满足两者；请降低保底或提高封顶"),
    ("cap below guarantee", _limits(cap=100, minimum_guarantee={"amount": 500}),
     "bonus.limits: minimum_guarantee.amount (500) is above cap (100): no gross bonus can keep "
     "both; lower the guarantee or raise the cap",
     "bonus.limits：minimum_guarantee.amount（500）高于封顶（100）：没有任何应发奖金能同时满足两者；"
     "请降低最低保障或提高封顶"),
    ("amounts as written", _limits(cap=1000000.25, floor=1234567.5),
     "bonus.limits: floor (1234567.5) is above cap (1000000.25): no gross bonus can keep both; "
     "lower the floor or raise the cap",  # was 1.23457e+06 and 1e+06
     "bonus.limits：保底（1234567.5）高于封顶（1000000.25）：没有任何应发奖金能同时满足两者；请降低保底或"
     "提高封顶"),
    ("pool amount without a fixed pool",
     lambda bonus: bonus["funding"].update(pool_amount=100000),
     "bonus.funding: pool_amount has no effect unless mode: fixed_pool (it is per_person_base): "
     "remove it, or set mode: fixed_pool",
     "bonus.funding：pool_amount 仅在 mode: fixed_pool 时生效（当前为 per_person_base）："
     "请删去它，或设置 mode: fixed_pool"),
]


@pytest.mark.parametrize(("change", "english", "chinese"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_contradicting_or_idle_bonus_keys_are_refused(tmp_path, change, english, chinese):
    for language, expected in (("en", f"error: CONFIG: {english}\n"),
                               ("zh", f"错误：CONFIG：{chinese}\n")):
        assert refused_run(tmp_path / language, language,
                           lambda raw: change(raw["bonus"])) == (2, expected)
