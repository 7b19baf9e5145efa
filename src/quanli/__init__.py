"""quanli: power catalogues (行政权力清单) as YAML in git."""

__version__ = "0.1.0"
