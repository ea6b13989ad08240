# Short room links carried 49.6 bits (10 symbols of 31): long enough to type, short enough to
# guess online. They open the room like the join token, so they now carry 128.8 bits too.

from django.db import migrations, models

import classrooms.models


def lengthen_existing_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing weak codes are replaced (the join-token links keep working)."""
    BreakoutRoom = apps.get_model("classrooms", "BreakoutRoom")
    for room in BreakoutRoom.objects.only("pk", "short_code").iterator():
        if len(room.short_code) < classrooms.models.SHORT_CODE_LENGTH:
            room.short_code = classrooms.models.new_short_code()
            room.save(update_fields=["short_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("classrooms", "0002_sessions_rooms_materials"),
    ]

    operations = [
        migrations.AlterField(
            model_name="breakoutroom",
            name="short_code",
            field=models.CharField(
                default=classrooms.models.new_short_code, max_length=32, unique=True
            ),
        ),
        migrations.RunPython(lengthen_existing_codes, migrations.RunPython.noop),
    ]
