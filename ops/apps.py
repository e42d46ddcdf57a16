from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site rather than the protocol: health, headers, logs, the offline shell.

    An app of its own because system checks, a management command and the
    service worker's views need one, and none of them belongs to a domain app.
    """

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
