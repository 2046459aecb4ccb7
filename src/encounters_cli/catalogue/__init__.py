"""The catalogue: values, domains, practices and question sets loaded from YAML.

Import ``encounters_cli.catalogue.loader`` (``load_catalogue``, ``check_paths``) and
``encounters_cli.catalogue.models`` directly; this package file stays empty so that importing it
does not pull in pydantic or PyYAML, which the CLI loads only for commands that need them.
"""
