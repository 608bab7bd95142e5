#!/usr/bin/env python
import os
import sys

# Commands that only read the code and never serve anyone: they may run in a bare checkout
# without production secrets (settings then use a development key for them).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("SOCIALMGR_OFFLINE_COMMAND", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
