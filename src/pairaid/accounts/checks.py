"""`pairaid check --deploy`: a deployment refuses to run the demo in production."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Demo mode lets the documented demo accounts in, with passwords anyone can read in the
    README: with DEBUG off (production) that is an open door."""
    if settings.DEMO_MODE and not settings.DEBUG:
        return [
            Error(
                "PAIRAID_DEMO=1 with DEBUG off: the demo accounts' public passwords would work "
                "in production.",
                hint="Unset PAIRAID_DEMO (docs/deployment.md).",
                id="pairaid.E001",
            )
        ]
    return []
