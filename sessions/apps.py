from django.apps import AppConfig


class TrainingSessionsConfig(AppConfig):
    # The folder is `sessions/`, but django.contrib.sessions already owns the
    # label "sessions": ours is "training_sessions" (use it with manage.py).
    name = "sessions"
    label = "training_sessions"
    verbose_name = "Training sessions"
