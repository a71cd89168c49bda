"""The name by which builds made before the engine boundary (indexer/engine/) refer to the index's analyzer.

whoosh pickles each build's schema into its table of contents, classes by module and name: those builds name
`indexer.schema.WordAnalyzer`, so a folder built then still opens (and serves until the next build) through this
name. The analyzer is defined in indexer/engine/whoosh/schema.py.
"""

from .engine.whoosh.schema import WordAnalyzer

__all__ = ["WordAnalyzer"]
