"""Keep `Protocol.updated_at` moving whenever anything in a protocol changes.

Admin saves go through these; a bulk `QuerySet.update()` does not send
signals, so code that bulk-edits exercises calls `Protocol.touch()` itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Circuit, Exercise, Protocol


@receiver([post_save, post_delete], sender=Circuit)
def circuit_changed(sender, instance: Circuit, **kwargs) -> None:
    Protocol.objects.filter(pk=instance.protocol_id).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Exercise)
def exercise_changed(sender, instance: Exercise, **kwargs) -> None:
    Protocol.objects.filter(circuits=instance.circuit_id).update(updated_at=timezone.now())
