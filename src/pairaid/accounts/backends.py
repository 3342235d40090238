"""Authentication that refuses the documented demo accounts outside demo mode."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class DemoAwareModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return bool(getattr(user, "may_sign_in", False))
