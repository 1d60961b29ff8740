"""Logout and password-reset pages are ours (Vietnamese, the lock-screen look), not Django admin's."""

import re

import pytest
from django.core import mail

from recognition.roles import Role
from tests.factories import unit_create, user_with_role


@pytest.fixture
def member(db):
    return user_with_role(role=Role.STANDING_BODY, unit=unit_create(name="Thành ủy Cần Thơ"), username="thuongtruc")


def assert_our_page(html: str) -> None:
    assert "vf-page-lockscreen" in html  # viewflow's lock screen, like the login page
    assert "Công nhận mô hình, điển hình “Dân vận khéo”" in html
    assert "Django" not in html and "admin/css" not in html


def test_login_page_is_vietnamese_and_links_password_reset(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert_our_page(html)
    assert '<a href="/accounts/password_reset/" class="mdc-typography kheo-auth__link">Quên mật khẩu?</a>' in html


def test_logout_shows_our_page(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_our_page(html)
    assert "Bạn đã đăng xuất khỏi Khéo. Nếu dùng máy chung, hãy đóng trình duyệt." in html
    assert '<a href="/accounts/login/" class="mdc-button mdc-button--raised">Đăng nhập lại</a>' in html
    assert "_auth_user_id" not in client.session


def test_password_reset_from_request_to_new_password(client, member):
    form = client.get("/accounts/password_reset/").content.decode()
    assert_our_page(form)
    assert "Nhập địa chỉ thư điện tử của tài khoản; chúng tôi sẽ gửi hướng dẫn đặt mật khẩu mới." in form

    sent = client.post("/accounts/password_reset/", {"email": member.email})
    assert (sent.status_code, sent["Location"]) == (302, "/accounts/password_reset/done/")
    done = client.get(sent["Location"]).content.decode()
    assert_our_page(done)
    assert "Nếu địa chỉ này thuộc một tài khoản, thư hướng dẫn đặt mật khẩu mới đã được gửi tới đó." in done

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu Khéo"
    assert message.to == [member.email]
    assert "Ai đó (có thể là bạn) vừa yêu cầu đặt lại mật khẩu tài khoản Khéo “thuongtruc”." in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    confirm = client.get(link, follow=True)
    assert_our_page(confirm.content.decode())
    assert "Nhập mật khẩu mới hai lần để tránh gõ nhầm." in confirm.content.decode()
    new_password = "mat-khau-moi-rat-dai-2026"
    changed = client.post(confirm.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert (changed.status_code, changed["Location"]) == (302, "/accounts/reset/done/")
    complete = client.get("/accounts/reset/done/").content.decode()
    assert_our_page(complete)
    assert "Mật khẩu mới đã được lưu. Bạn có thể đăng nhập." in complete
    member.refresh_from_db()
    assert member.check_password(new_password)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, member):
    sent = client.post("/accounts/password_reset/", {"email": "khong-ai@example.vn"})
    assert (sent.status_code, sent["Location"]) == (302, "/accounts/password_reset/done/")
    assert mail.outbox == []


def test_a_used_or_forged_reset_link_says_so_in_vietnamese(client, member):
    html = client.get("/accounts/reset/MQ/gia-mao-123/").content.decode()
    assert_our_page(html)
    assert "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã được dùng. Hãy yêu cầu một liên kết mới." in html


def test_password_change_page_is_ours(client, member):
    client.force_login(member)
    html = client.get("/accounts/password_change/").content.decode()
    assert "vf-page" in html and "admin/css" not in html
    assert '<h1 class="vf-card__title">Đổi mật khẩu</h1>' in html
