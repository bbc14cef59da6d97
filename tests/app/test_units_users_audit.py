"""Admins manage units, schools, communes and users; every write lands in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry, AuditLogIsAppendOnly
from app.auth.models import User
from app.extensions import db
from app.units.models import Commune, School, Unit


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_admin_creates_a_school_union_under_a_district(client, login_as, units):
    admin = login_as("admin")
    response = client.post(
        "/quan-tri/don-vi/moi",
        data={
            "name": "Đoàn trường THCS Mới",
            "code": "thcs-moi",
            "kind": "school",
            "parent_id": units["a"].id,
        },
    )
    assert response.status_code == 302
    unit = db.session.execute(select(Unit).filter_by(code="thcs-moi")).scalar_one()
    assert unit.parent_id == units["a"].id
    entry = db.session.execute(select(AuditEntry).filter_by(action="unit.create")).scalar_one()
    assert entry.actor_email == admin.email and entry.target_id == str(unit.id)
    assert "Đoàn trường THCS Mới" in client.get("/quan-tri/don-vi/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "X", "code": "Có Dấu", "kind": "school"}, "chữ thường không dấu"),
        ({"name": "X", "code": "huyen-a", "kind": "district"}, "Mã đơn vị đã được dùng"),
        (
            {"name": "X", "code": "moi-1", "kind": "district"},
            "không phù hợp",
        ),  # a district needs the province
        (
            {"name": "X", "code": "moi-2", "kind": "school", "parent_id": "99999"},
            "Lựa chọn không hợp lệ",
        ),
        ({"name": "", "code": "moi-3", "kind": "school"}, "Vui lòng nhập tên đơn vị"),
    ],
)
def test_bad_units_are_refused_with_a_message_and_nothing_saved(
    client, login_as, units, data, message
):
    login_as("admin")
    before = db.session.execute(select(Unit)).all()
    data.setdefault(
        "parent_id", str(units["a"].id) if "parent_id" not in data else data["parent_id"]
    )
    if data["kind"] == "district" and data["code"] == "moi-1":
        data["parent_id"] = str(units["school"].id)
    response = client.post("/quan-tri/don-vi/moi", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(db.session.execute(select(Unit)).all()) == len(before)
    assert "unit.create" not in audit_actions()


def test_a_unit_cannot_be_moved_under_itself(client, login_as, units):
    login_as("admin")
    province = units["province"]
    response = client.post(
        f"/quan-tri/don-vi/{units['a'].id}/sua",
        data={
            "name": "Huyện Đoàn A",
            "code": "huyen-a",
            "kind": "district",
            "parent_id": units["school"].id,
            "active": "y",
        },
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Unit, units["a"].id).parent_id == province.id


def test_rename_is_audited_with_the_difference(client, login_as, units):
    login_as("admin")
    client.post(
        f"/quan-tri/don-vi/{units['b'].id}/sua",
        data={
            "name": "Thành Đoàn B",
            "code": "huyen-b",
            "kind": "district",
            "parent_id": units["province"].id,
            "active": "y",
        },
    )
    entry = db.session.execute(select(AuditEntry).filter_by(action="unit.update")).scalar_one()
    assert entry.changes == {"name": ["Huyện Đoàn B", "Thành Đoàn B"]}


def test_schools_and_communes_are_editable_data(client, login_as, units):
    login_as("admin")
    client.post(
        "/quan-tri/don-vi/xa/moi",
        data={"name": "Xã Mây Trắng", "district": "", "unit_id": units["a"].id},
    )
    commune = db.session.execute(select(Commune)).scalar_one()
    client.post(
        "/quan-tri/don-vi/truong/moi",
        data={
            "name": "Trường TH Mây Trắng",
            "level": "tieu-hoc",
            "commune_id": commune.id,
            "unit_id": units["a"].id,
        },
    )
    school = db.session.execute(select(School)).scalar_one()
    assert school.commune_id == commune.id
    html = client.get("/quan-tri/don-vi/truong?q=mây").get_data(as_text=True)
    assert "Trường TH Mây Trắng" in html
    assert "Không có trường nào khớp" in client.get("/quan-tri/don-vi/truong?q=zzz").get_data(
        as_text=True
    )
    assert audit_actions()[-2:] == ["commune.create", "school.create"]


def test_only_admins_write_units_but_managers_read_them(client, login_as, units):
    login_as("manager", "a")
    assert client.get("/quan-tri/don-vi/").status_code == 200
    assert client.get("/quan-tri/don-vi/moi").status_code == 403
    response = client.post(
        "/quan-tri/don-vi/moi", data={"name": "X", "code": "xx", "kind": "school"}
    )
    assert response.status_code == 403
    assert db.session.execute(select(Unit).filter_by(code="xx")).first() is None


def test_admin_creates_and_edits_a_user(client, login_as, units):
    login_as("admin")
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "email": "Moi@Test.Example",
            "display_name": "Cán bộ mới",
            "role": "field",
            "unit_id": units["a"].id,
            "password": "mat-khau-moi-123",
        },
    )
    assert response.status_code == 302
    user = db.session.execute(select(User).filter_by(email="moi@test.example")).scalar_one()
    client.post(
        f"/quan-tri/nguoi-dung/{user.id}",
        data={
            "email": user.email,
            "display_name": "Cán bộ mới",
            "role": "manager",
            "unit_id": units["a"].id,
        },
    )
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.role.value == "manager" and not user.active  # an unticked box deactivates
    assert audit_actions()[-2:] == ["user.create", "user.update"]
    listing = client.get("/quan-tri/nguoi-dung/?role=manager").get_data(as_text=True)
    assert "moi@test.example" in listing


def test_duplicate_user_email_is_refused(client, login_as, make_user, units):
    login_as("admin")
    existing = make_user("field", "a")
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "email": existing.email.upper(),
            "display_name": "Trùng",
            "role": "field",
            "unit_id": units["a"].id,
            "password": "mat-khau-moi-123",
        },
    )
    assert response.status_code == 422
    assert "Đã có tài khoản với e-mail này." in response.get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(client, login_as, units):
    admin = login_as("admin")
    response = client.post(
        f"/quan-tri/nguoi-dung/{admin.id}",
        data={
            "email": admin.email,
            "display_name": "x",
            "role": "admin",
            "unit_id": units["province"].id,
        },
    )
    assert "không thể tự khoá" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_admin_resets_a_lost_second_factor(client, login_as, make_user):
    login_as("admin")
    treasurer = make_user("treasurer")
    client.post(f"/quan-tri/nguoi-dung/{treasurer.id}/dat-lai-2fa")
    db.session.expire_all()
    assert not db.session.get(User, treasurer.id).totp_enabled
    assert "user.totp_reset" in audit_actions()


def test_audit_log_filters(client, login_as, units):
    admin = login_as("admin")
    client.post("/quan-tri/don-vi/xa/moi", data={"name": "Xã Lọc", "district": "", "unit_id": ""})
    html = client.get("/quan-tri/nhat-ky/?action=commune.create").get_data(as_text=True)
    assert "Xã Lọc" in html and admin.email in html
    assert "Xã Lọc" not in client.get("/quan-tri/nhat-ky/?action=user.login").get_data(as_text=True)
    assert "Không có thao tác nào" in client.get("/quan-tri/nhat-ky/?actor=nobody").get_data(
        as_text=True
    )
    assert "Xã Lọc" not in client.get("/quan-tri/nhat-ky/?from=2099-01-01").get_data(as_text=True)
    assert client.get("/quan-tri/nhat-ky/?from=not-a-date&page=abc").status_code == 200


def test_auditor_reads_the_log_field_member_does_not(client, login_as):
    login_as("field", "a")
    assert client.get("/quan-tri/nhat-ky/").status_code == 403


def test_audit_entries_cannot_be_changed_or_deleted(ctx, make_user):
    from app.audit.service import record

    entry = record(make_user("admin"), "test.action", summary="gốc")
    db.session.commit()
    entry.summary = "sửa"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
