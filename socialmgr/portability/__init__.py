"""Organisation export and import: a documented zip archive (docs/data-export.md).

It sits at the top of the project (it reads every app), next to the URL wiring.
`exporter.export_organization` writes the archive; `importer.import_organization`
creates a new organisation from one, in this installation or another. It is an app
(`portability`) only for its management commands, so this module imports no models.
"""
