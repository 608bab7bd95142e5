"""Organisation export and import: a documented zip archive (docs/data-export.md).

It sits at the top of the project (it reads every app), next to the URL wiring.
`export_organization` writes the archive; `import_organization` creates a new
organisation from one, in this installation or another.
"""

from socialmgr.portability.exporter import export_organization
from socialmgr.portability.importer import ImportRefused, import_organization

__all__ = ["ImportRefused", "export_organization", "import_organization"]
