"""The project's number formats, where they differ from Django's (``FORMAT_MODULE_PATH``)."""
