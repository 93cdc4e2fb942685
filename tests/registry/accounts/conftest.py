"""Sign-in tests switch on what the test settings switch off for the rest of the suite."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def two_factor_enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def axes_enabled(settings):
    settings.AXES_ENABLED = True


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrol(user, *, recovery_codes: tuple[str, ...] = ()) -> TOTPDevice:
    """A confirmed authenticator (and recovery codes), as if the user had been through the setup page."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    if recovery_codes:
        static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        for code in recovery_codes:
            StaticToken.objects.create(device=static, token=code)
    return device
