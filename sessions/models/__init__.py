"""The training_sessions app's models, a module a topic.

- `session`: a guided session and the rounds it records (`TrainingSession`,
  `CompletedRound`), and `plan`: the copy of its protocol's steps it keeps;
- `preferences`: training days, the reminder calendar, the time zone and
  Guide me's settings (`TrainingPreferences`);
- `progress`: the one row "progress at a glance" reads (`ProgressSummary`);
- `sharing`: read-only links to a person's record (`ShareLink`).
"""

from .plan import (
    PlannedStep,
    instructions_from_steps,
    plan_from_steps,
    round_ends,
    rounds_in_plan,
)
from .preferences import GuideSound, GuideSpeed, TrainingPreferences, Weekday, new_feed_token
from .progress import ProgressSummary
from .session import HIGH_PAIN, NOTES_MAX_LENGTH, PAIN_VALIDATORS, CompletedRound, TrainingSession
from .sharing import ShareLink

__all__ = [
    "HIGH_PAIN",
    "NOTES_MAX_LENGTH",
    "PAIN_VALIDATORS",
    "CompletedRound",
    "GuideSound",
    "GuideSpeed",
    "PlannedStep",
    "ProgressSummary",
    "ShareLink",
    "TrainingPreferences",
    "TrainingSession",
    "Weekday",
    "instructions_from_steps",
    "new_feed_token",  # the calendar feed's default, named by migration 0002
    "plan_from_steps",
    "round_ends",
    "rounds_in_plan",
]
