"""Building the embedded demo (or national) workspace from the registry packages of ``boundaries``, plus SAMPLE data."""
