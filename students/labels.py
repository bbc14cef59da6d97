"""Vietnamese labels of the students package's enums (translated through the catalog)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from students.care.models import Cause, ConsentScope, OutcomeStatus
from students.registry.models import Gender, Situation, StudentStatus
from students.rounds.models import ROUND_TRANSITIONS, HandoverMethod

GENDER = {Gender.female: _l("Nữ"), Gender.male: _l("Nam"), Gender.other: _l("Khác")}
SITUATION = {
    Situation.poor: _l("Hộ nghèo"),
    Situation.near_poor: _l("Hộ cận nghèo"),
    Situation.orphan: _l("Mồ côi"),
    Situation.disability: _l("Khuyết tật"),
    Situation.other: _l("Hoàn cảnh khác"),
}
STATUS = {
    StudentStatus.at_risk: _l("Có nguy cơ bỏ học"),
    StudentStatus.not_attending: _l("Không ra lớp"),
    StudentStatus.dropped_out: _l("Đã bỏ học"),
    StudentStatus.returned: _l("Đã trở lại lớp"),
    StudentStatus.graduated: _l("Đã tốt nghiệp"),
    StudentStatus.moved: _l("Chuyển đi"),
}
SCOPE = {
    ConsentScope.none: _l("Không công khai gì"),
    ConsentScope.basic: _l("Chữ cái đầu tên + lớp + trường + xã"),
    ConsentScope.named: _l("Thêm tên gọi và ảnh"),
}
CAUSE = {
    Cause.economic: _l("Khó khăn kinh tế"),
    Cause.distance: _l("Nhà xa, thiếu phương tiện"),
    Cause.family: _l("Hoàn cảnh gia đình"),
    Cause.health: _l("Sức khoẻ"),
    Cause.learning: _l("Khó khăn trong học tập"),
    Cause.work: _l("Đi làm, di cư theo gia đình"),
    Cause.marriage: _l("Tảo hôn"),
    Cause.other: _l("Nguyên nhân khác"),
}
ROUND_STATUS = ROUND_TRANSITIONS.labels
METHOD = {
    HandoverMethod.cash: _l("Tiền mặt"),
    HandoverMethod.transfer: _l("Chuyển khoản cho người giám hộ"),
    HandoverMethod.goods: _l("Hiện vật"),
}
OUTCOME = {
    OutcomeStatus.attending: _l("Đang đi học"),
    OutcomeStatus.dropped_out: _l("Bỏ học"),
    OutcomeStatus.moved: _l("Chuyển đi"),
    OutcomeStatus.graduated: _l("Tốt nghiệp"),
}
# Assets a round may hand out, and the unit people type for each.
ROUND_ASSETS = {
    "VND": _l("Tiền (đồng)"),
    "RICE_G": _l("Gạo (kg)"),
    "BICYCLE": _l("Xe đạp (chiếc)"),
    "SUPPLY_SET": _l("Bộ dụng cụ học tập (bộ)"),
}
