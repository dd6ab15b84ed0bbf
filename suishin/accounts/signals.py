"""A deactivated user's sessions end at once."""

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver

from suishin.core.sessions import end_sessions_of


@receiver(pre_save, sender=get_user_model())
def end_sessions_on_deactivation(sender, instance, **kwargs):
    if instance.pk is None or instance.is_active:
        return
    was_active = sender._base_manager.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        end_sessions_of(instance)
