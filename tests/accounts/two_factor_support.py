"""Two-factor sign-in for tests: a real confirmed authenticator, and the code it shows now."""

import time

from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import AUTHENTICATOR_NAME, two_factor_required


def authenticator(user) -> TOTPDevice:
    """The person's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """A code the device accepts: the current one, or the next if the current one was used already.

    django-otp refuses a code twice (replay), so signing in twice within 30 seconds takes the next
    time step, which its tolerance of one step allows; past that, wait for a fresh step.
    """
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.t() > device.last_t:
            break
        if totp.t() == device.last_t:
            totp.time += device.step
            break
        time.sleep(1)
    return f"{totp.token():0{device.digits}d}"


def session_verify(client, user) -> TOTPDevice | None:
    """Mark the client's signed-in session as verified by the person's authenticator app.

    Someone who must use two-factor sign-in gets an authenticator first; someone who need not and has
    none signs in with a password alone, as they would on the service.
    """
    if not (two_factor_required(user) or user_has_device(user)):
        return None
    device = authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
