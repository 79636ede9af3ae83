"""schemathesis hooks for `cargo xtask fuzz`: every request carries an admin
access token from the test's token minter (FUZZ_TOKEN_URL, served by
api/tests/api/fuzz.rs). A sign-out that succeeded (`POST /auth/signout`, or
an admin's "sign out everywhere", which may be the admin's own) ends that
token, so the next request gets a new one.
"""

import os
import threading
import urllib.request

import schemathesis

TOKEN_URL = os.environ["FUZZ_TOKEN_URL"]
_lock = threading.Lock()
_token = None


def _mint():
    with urllib.request.urlopen(TOKEN_URL, timeout=30) as response:
        return response.read().decode()


# No caching by schemathesis: the token lives until a sign-out ends it.
@schemathesis.auth(refresh_interval=None)
class AdminToken:
    def get(self, case, context):
        global _token
        with _lock:
            if _token is None:
                _token = _mint()
            return _token

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def after_call(context, case, response):
    global _token
    if response.status_code == 204 and case.operation.path.endswith("/signout"):
        with _lock:
            _token = None
