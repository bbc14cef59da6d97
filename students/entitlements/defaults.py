"""The entitlement kinds a fresh install starts with (an admin edits them afterwards).

Decree 86/2015/NĐ-CP, which the union's plan names, set tuition exemption, reduction and
learning-cost support up to the 2020-2021 school year; Decree 81/2021/NĐ-CP replaced it from
2021-2022. Boarding support for pupils of extremely disadvantaged communes is Decree
116/2016/NĐ-CP. The older kinds stay, inactive, so that earlier records keep their basis.
"""

from __future__ import annotations

# (code, name, category, legal basis, household situations, active, position)
DEFAULT_KINDS = [
    (
        "mien-hp-81",
        "Miễn học phí",
        "tuition_exemption",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 15",
        ["poor", "orphan", "disability"],
        True,
        1,
    ),
    (
        "giam-hp-81",
        "Giảm 50% học phí",
        "tuition_reduction",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 16",
        ["near_poor"],
        True,
        2,
    ),
    (
        "ho-tro-chi-phi-hoc-tap-81",
        "Hỗ trợ chi phí học tập (150.000 ₫/tháng)",
        "learning_cost",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 18",
        ["poor", "orphan", "disability"],
        True,
        3,
    ),
    (
        "ban-tru-116",
        "Hỗ trợ học sinh bán trú (tiền ăn, nhà ở, gạo)",
        "boarding",
        "Nghị định 116/2016/NĐ-CP",
        [],
        True,
        4,
    ),
    (
        "mien-hp-86",
        "Miễn học phí (theo quy định cũ)",
        "tuition_exemption",
        "Nghị định 86/2015/NĐ-CP (đã được thay thế từ năm học 2021-2022)",
        ["poor", "orphan", "disability"],
        False,
        9,
    ),
    (
        "ho-tro-chi-phi-hoc-tap-86",
        "Hỗ trợ chi phí học tập (theo quy định cũ)",
        "learning_cost",
        "Nghị định 86/2015/NĐ-CP (đã được thay thế từ năm học 2021-2022)",
        ["poor"],
        False,
        9,
    ),
]
