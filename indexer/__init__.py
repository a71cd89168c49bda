"""Sourcecheck's indexer: documents in, checked passages in a whoosh index out, and search over them.

A library: it never imports the web app or flask.
"""

from .checking.analysis import CheckedDocument, CheckedPassage, check_document
from .checking.evidence import FLAGGED, SEVERITY, Checker, SentenceCheck, most_severe
from .documents.loading import Document, SourceFile, SourceText, document_from_text, load_corpus, load_document
from .errors import (
    BuildError,
    BuildLockedError,
    DocumentError,
    IndexNotFoundError,
    KnowledgeBaseError,
    NotFoundError,
    QueryError,
    SourcecheckError,
)
from .index.build import BuildSummary, build_index, build_index_from, current_build, default_index_dir, open_index
from .knowledge.base import STATUSES, KnowledgeBase, Source, default_knowledge_base, load_knowledge_base
from .language.passages import Passage, split_passages, split_sentences
from .search.library import Hit, Library, SearchPage, SearchRequest
from .settings import INDEXER_SETTINGS, Kind, Setting, SettingError, Settings

__all__ = [
    "BuildError",
    "BuildLockedError",
    "BuildSummary",
    "CheckedDocument",
    "CheckedPassage",
    "Checker",
    "Document",
    "DocumentError",
    "FLAGGED",
    "Hit",
    "INDEXER_SETTINGS",
    "IndexNotFoundError",
    "Kind",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Library",
    "NotFoundError",
    "Passage",
    "QueryError",
    "SEVERITY",
    "STATUSES",
    "SearchPage",
    "SearchRequest",
    "SentenceCheck",
    "Setting",
    "SettingError",
    "Settings",
    "Source",
    "SourceFile",
    "SourceText",
    "SourcecheckError",
    "build_index",
    "build_index_from",
    "check_document",
    "current_build",
    "default_index_dir",
    "default_knowledge_base",
    "document_from_text",
    "load_corpus",
    "load_document",
    "load_knowledge_base",
    "most_severe",
    "open_index",
    "split_passages",
    "split_sentences",
]
