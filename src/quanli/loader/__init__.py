"""Reading catalogue files: the only package that knows YAML."""
