from django.apps import AppConfig


class TrainingSessionsConfig(AppConfig):
    # The folder is `sessions/`, but django.contrib.sessions already owns the
    # label "sessions": ours is "training_sessions" (use it with manage.py).
    name = "sessions"
    label = "training_sessions"
    verbose_name = "Training sessions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_time_zone_at_sign_in

        user_logged_in.connect(remember_time_zone_at_sign_in, dispatch_uid="history_time_zone")
