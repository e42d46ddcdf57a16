"""Keep the user row's copy of the safety gate's inputs in step with the record.

Whatever creates or deletes an acknowledgement or a screening (the pages,
admin, a shell), the user's row is recomputed from the tables. When the
record was made with the request's own user object, that object is brought
up to date too, so the same request sees the gate open.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import DisclaimerAcknowledgement, RedFlagScreening, User


@receiver([post_save, post_delete], sender=DisclaimerAcknowledgement)
@receiver([post_save, post_delete], sender=RedFlagScreening)
def safety_record_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return  # loading fixtures: the users' rows come from the same fixture
    try:
        user = instance.user
    except User.DoesNotExist:
        return  # the user is being deleted along with their records
    user.refresh_safety_state()
