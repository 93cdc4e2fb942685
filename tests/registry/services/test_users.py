"""User and membership management by the registry data manager: what it can do, what it can never do, and the
audit trail it leaves."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from registry.choices import Role
from registry.models import Membership
from registry.services import users as services
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def _create(actor, **overrides):
    fields = {"username": "new.entry", "email": "new.entry@example.org", "first_name": "New", "reason": "joins"}
    return services.user_create(actor=actor, **{**fields, **overrides})


class TestUserCreate:
    def test_it_creates_a_user_without_a_password_and_e_mails_them_a_link(
        self, people, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            user = _create(people.manager)
        assert not user.has_usable_password()
        assert not user.is_staff and not user.is_superuser and not user.user_permissions.exists()
        [message] = mail.outbox
        assert message.to == ["new.entry@example.org"]
        assert "/accounts/reset/" in message.body and "new.entry" in message.body

    def test_it_gives_the_first_role_with_the_user(self, people, center_a):
        user = _create(people.manager, role=Role.DATA_ENTRY, center=center_a)
        assert list(user.memberships.values_list("role", "center")) == [(Role.DATA_ENTRY, center_a.pk)]

    def test_it_leaves_a_history_row_with_the_author_and_the_reason(self, people):
        user = _create(people.manager, reason="joins the Almaty team")
        row = user.history.get()
        assert row.history_user == people.manager and row.history_change_reason == "created: joins the Almaty team"

    @pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b", "coordinator"])
    def test_only_the_data_manager_creates_users(self, people, who):
        with pytest.raises(PermissionDenied, match=services.DATA_MANAGER_ONLY):
            _create(getattr(people, who))
        assert not get_user_model().objects.filter(username="new.entry").exists()

    def test_a_superuser_without_the_role_does_not_pass_either(self, people):
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        with pytest.raises(PermissionDenied):
            _create(root)

    def test_it_refuses_staff_superuser_and_password_arguments(self, people):
        for extra in ({"is_superuser": True}, {"is_staff": True}, {"password": "x"}):
            with pytest.raises(TypeError):
                _create(people.manager, **extra)

    def test_it_refuses_a_missing_reason_a_taken_e_mail_and_a_taken_username_and_saves_nothing(self, people):
        people.entry_a.email = "a@example.org"
        people.entry_a.save()
        for overrides, field, message in [
            ({"reason": " "}, "reason", services.REASON_REQUIRED),
            ({"email": "A@example.org"}, "email", services.EMAIL_TAKEN),
            ({"email": ""}, "email", services.EMAIL_REQUIRED),
        ]:
            with pytest.raises(ValidationError) as error:
                _create(people.manager, **overrides)
            assert message in error.value.message_dict[field]
        with pytest.raises(ValidationError) as error:
            _create(people.manager, username="entry_a", email="other@example.org")
        assert "username" in error.value.message_dict
        assert get_user_model().objects.filter(username="new.entry").count() == 0

    @pytest.mark.parametrize("look_alike", ["Entry_A", "ENTRY_A", "\uff45ntry_a", "entry\uff3fa"])
    def test_it_refuses_a_username_that_differs_only_in_capitals_or_look_alike_characters(self, people, look_alike):
        with pytest.raises(ValidationError) as error:
            _create(people.manager, username=look_alike)
        assert error.value.message_dict["username"] == [services.USERNAME_TAKEN]
        assert get_user_model().objects.filter(username__iexact="entry_a").count() == 1
        assert not get_user_model().objects.filter(email="new.entry@example.org").exists()

    def test_a_failed_role_undoes_the_new_user(self, people):
        with pytest.raises(ValidationError):
            _create(people.manager, role=Role.DATA_ENTRY, center=None)
        assert not get_user_model().objects.filter(username="new.entry").exists()


class TestUserUpdate:
    def test_it_changes_names_with_the_reason_in_the_history(self, people):
        services.user_update(actor=people.manager, user=people.entry_a, first_name="Aigerim", reason="typo")
        people.entry_a.refresh_from_db()
        assert people.entry_a.first_name == "Aigerim"
        assert people.entry_a.history.latest("history_date").history_change_reason == "changed: typo"

    def test_it_never_changes_the_e_mail_of_a_user_who_has_a_password(self, people):
        # otherwise the data manager could send the victim's password reset to themselves
        with pytest.raises(ValidationError) as error:
            services.user_update(actor=people.manager, user=people.entry_a, email="me@example.org", reason="r")
        assert services.EMAIL_FIXED in error.value.message_dict["email"]
        people.entry_a.refresh_from_db()
        assert people.entry_a.email == ""

    def test_it_corrects_the_e_mail_of_an_invited_user(self, people):
        user = _create(people.manager)
        services.user_update(actor=people.manager, user=user, email="right@example.org", reason="typo")
        user.refresh_from_db()
        assert user.email == "right@example.org"

    def test_it_takes_no_privilege_fields(self, people):
        for extra in ({"is_superuser": True}, {"is_staff": True}, {"password": "x"}, {"username": "other"}):
            with pytest.raises(TypeError):
                services.user_update(actor=people.manager, user=people.entry_a, reason="r", **extra)

    def test_the_data_manager_cannot_change_their_own_account(self, people):
        with pytest.raises(PermissionDenied, match=services.NOT_YOURSELF):
            services.user_update(actor=people.manager, user=people.manager, first_name="Me", reason="r")


class TestDeactivate:
    def test_it_deactivates_and_ends_every_session_of_the_user(self, people, client):
        client.login(username="entry_a", password=PASSWORD)
        assert client.get("/").status_code == 200
        services.user_deactivate(actor=people.manager, user=people.entry_a, reason="left the center")
        people.entry_a.refresh_from_db()
        assert not people.entry_a.is_active
        response = client.get("/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        row = people.entry_a.history.latest("history_date")
        assert row.history_user == people.manager and row.history_change_reason == "deactivated: left the center"
        assert people.entry_a.memberships.exists()  # roles stay, for the history and a reactivation

    def test_it_reactivates(self, people):
        services.user_deactivate(actor=people.manager, user=people.entry_a, reason="leave")
        services.user_reactivate(actor=people.manager, user=people.entry_a, reason="back")
        people.entry_a.refresh_from_db()
        assert people.entry_a.is_active

    def test_the_data_manager_cannot_deactivate_themselves(self, people):
        with pytest.raises(PermissionDenied, match=services.NOT_YOURSELF):
            services.user_deactivate(actor=people.manager, user=people.manager, reason="r")

    def test_the_registry_keeps_an_active_data_manager(self, people):
        other = member("manager2", Role.DATA_MANAGER)
        services.user_deactivate(actor=people.manager, user=other, reason="left")
        # people.manager is now the only active data manager, and nobody else can take the role away
        own = Membership.objects.get(user=people.manager)
        with pytest.raises(PermissionDenied):
            services.membership_remove(actor=people.manager, membership=own, reason="r")
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=people.manager, user=people.manager, reason="r")
        # a request still in flight from the data manager deactivated a moment ago
        with pytest.raises(ValidationError, match=services.LAST_DATA_MANAGER):
            services.user_deactivate(actor=other, user=people.manager, reason="r")
        other.refresh_from_db()
        with pytest.raises(PermissionDenied, match=services.DATA_MANAGER_ONLY):
            services.user_deactivate(actor=other, user=people.manager, reason="r")
        assert Membership.objects.filter(role=Role.DATA_MANAGER, user__is_active=True).count() == 1

    def test_operator_accounts_are_out_of_reach(self, people):
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        with pytest.raises(PermissionDenied, match=re.escape(services.OPERATOR_ACCOUNT)):
            services.user_deactivate(actor=people.manager, user=root, reason="r")


class TestMemberships:
    def test_it_gives_and_takes_roles_with_history(self, people, center_b):
        membership = services.membership_add(
            actor=people.manager, user=people.entry_a, role=Role.CENTER_LEAD, center=center_b, reason="covers B"
        )
        services.membership_remove(actor=people.manager, membership=membership, reason="cover ended")
        assert not Membership.objects.filter(pk=membership.pk).exists()
        rows = list(Membership.history.filter(id=membership.pk).order_by("history_date"))
        assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
            ("+", people.manager, "role given: covers B"),
            ("-", people.manager, "role taken away: cover ended"),
        ]

    @pytest.mark.parametrize(
        ("role", "with_center", "message"),
        [
            (Role.DATA_ENTRY, False, services.ROLE_NEEDS_CENTER),
            (Role.COORDINATOR, True, services.ROLE_TAKES_NO_CENTER),
        ],
    )
    def test_it_checks_the_center_against_the_role(self, people, center_a, role, with_center, message):
        with pytest.raises(ValidationError) as error:
            services.membership_add(
                actor=people.manager,
                user=people.entry_b,
                role=role,
                center=center_a if with_center else None,
                reason="r",
            )
        assert message in error.value.message_dict["center"]

    def test_a_data_manager_cannot_change_their_own_roles(self, people, center_a):
        with pytest.raises(PermissionDenied, match=services.NOT_YOURSELF):
            services.membership_add(
                actor=people.manager, user=people.manager, role=Role.CENTER_LEAD, center=center_a, reason="r"
            )
        own = Membership.objects.get(user=people.manager)
        with pytest.raises(PermissionDenied, match=services.NOT_YOURSELF):
            services.membership_remove(actor=people.manager, membership=own, reason="r")

    def test_the_same_role_twice_is_refused(self, people, center_a):
        with pytest.raises(ValidationError, match=services.MEMBERSHIP_EXISTS):
            services.membership_add(
                actor=people.manager, user=people.entry_a, role=Role.DATA_ENTRY, center=center_a, reason="r"
            )


class TestInvite:
    def test_it_sends_the_link_again_to_an_invited_user_only(self, people, django_capture_on_commit_callbacks):
        user = _create(people.manager)
        with django_capture_on_commit_callbacks(execute=True):
            services.user_invite(actor=people.manager, user=user)
        assert [m.to for m in mail.outbox] == [["new.entry@example.org"]]
        with pytest.raises(ValidationError, match=services.INVITE_ONLY_PENDING):
            services.user_invite(actor=people.manager, user=people.entry_a)

    def test_the_invited_user_sets_a_password_from_the_link(self, people, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            user = _create(people.manager)
        link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
        path = link.split("://", 1)[1].split("/", 1)[1]
        form_page = client.get("/" + path, follow=True)
        assert form_page.status_code == 200
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "a-fresh-pass-9876", "new_password2": "a-fresh-pass-9876"},
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("a-fresh-pass-9876")


def test_signing_in_adds_no_history_row_to_the_user(people, client):
    before = people.entry_a.history.count()
    assert client.login(username="entry_a", password=PASSWORD)
    people.entry_a.refresh_from_db()
    assert people.entry_a.last_login is not None
    assert people.entry_a.history.count() == before
