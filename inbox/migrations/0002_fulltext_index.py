"""The full-text GIN index, on PostgreSQL only (SQLite has no GIN; search falls back there)."""

from django.db import migrations


def _index():
    from django.contrib.postgres.indexes import GinIndex

    from inbox.search import FTS_INDEX_NAME, item_search_vector

    return GinIndex(item_search_vector(), name=FTS_INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("inbox", "InboxItem"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("inbox", "InboxItem"), _index())


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]
    operations = [migrations.RunPython(add_index, remove_index)]
