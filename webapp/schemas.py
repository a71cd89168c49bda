"""JSON Schemas of what /api/v1 returns: the components of the OpenAPI document (webapp/openapi.py).

The review plugin adds its own (claims, the audit log, decisions: webapp/review/schemas.py). Each mirrors an
`as_dict()`; tests/webapp/test_schemathesis.py checks real responses against them, so a field
added to the data without its schema (or the other way round) fails there.
"""

from __future__ import annotations

from typing import Any

from indexer import STATUSES

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NULLABLE_STR = {"type": ["string", "null"]}
STATUS = {"type": "string", "enum": list(STATUSES)}
DATE_TIME = {"type": "string", "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    """An object with these properties, all of them required unless `required` names fewer."""
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def counts(keys) -> dict[str, Any]:
    return {"type": "object", "properties": {k: INT for k in keys}, "additionalProperties": False}


def page_of(name: str, items: dict[str, Any], **more: Any) -> dict[str, Any]:
    return obj(total=INT, page=INT, per_page=INT, pages=INT, **more, **{name: array(items)})


ERROR_FIELDS = dict(
    status=INT,
    code=STR,
    message=STR,
    param={"type": ["string", "null"], "description": "The parameter (or body field) at fault, if one is."},
)
_REVIEW = obj(
    claim_id=STR,
    reviewed_by_person=BOOL,
    by=NULLABLE_STR,
    at=DATE_TIME,
    date={"type": "string", "format": "date"},
    automatic_status=STATUS,
    changed=BOOL,
)
_SENTENCE = obj(
    ["sentence", "start", "end", "status", "rule", "reason", "correction", "sources", "topic"],
    sentence=STR,
    start=INT,
    end=INT,
    status=STATUS,
    rule=STR,
    reason=STR,
    correction=STR,
    sources=array(ref("Source")),
    topic=STR,
    claim_id={"type": "string", "description": "The claim this sentence is (see /claims/{claim_id})."},
    review={"oneOf": [_REVIEW, {"type": "null"}], "description": "A reviewer's decision on it, if any."},
)
_DOCUMENT_PASSAGE = obj(
    id=STR,
    doc_id=STR,
    heading=STR,
    position=INT,
    anchor=STR,
    start=INT,
    end=INT,
    status=STATUS,
    api_url=STR,
    url={"type": "string", "description": "The passage on its document page."},
    sentences=array(ref("SentenceCheck")),
)

SCHEMAS: dict[str, Any] = {
    "Error": obj(error=obj(**ERROR_FIELDS)),
    "Links": {
        "type": "object",
        "required": ["self"],
        "additionalProperties": STR,
        "properties": {k: STR for k in ("self", "html", "next", "prev")},
    },
    "Source": obj(publisher=STR, title=STR, url=STR),
    "DocumentSource": {
        **obj(
            [],
            url={"type": "string", "description": "The original page (always http or https)."},
            publisher=STR,
            author=STR,
            date={"type": "string", "format": "date"},
        ),
        "additionalProperties": False,
        "description": "Where the document was first published; only the fields known.",
    },
    "SentenceCheck": _SENTENCE,
    "Passage": obj(
        passage_id=STR,
        doc_id=STR,
        title=STR,
        heading=STR,
        text=STR,
        status=STATUS,
        position=INT,
        anchor=STR,
        start=INT,
        end=INT,
        sentences=array(ref("SentenceCheck")),
        url={"type": "string", "description": "The passage on its document page."},
        source=ref("DocumentSource"),
    ),
    "Result": {
        "allOf": [
            ref("Passage"),
            obj(
                score={"type": "number"},
                api_url=STR,
                snippet={"type": "string", "description": "HTML: the escaped passage with query terms in <mark>."},
            ),
        ]
    },
    "Clarification": obj(title=STR, note=STR, sources=array(ref("Source"))),
    "SearchData": obj(
        query=STR,
        total=INT,
        page=INT,
        per_page=INT,
        pages=INT,
        suggestion=NULLABLE_STR,
        expansions=array(STR),
        notes=array(STR),
        clarifications=array(ref("Clarification")),
        results=array(ref("Result")),
        filters=obj(status=array(STATUS), doc=array(STR), topic=STR),
        evidence_ranking=BOOL,
    ),
    "DocumentSummary": obj(
        id=STR,
        title=STR,
        url=STR,
        api_url=STR,
        statuses={**counts(STATUSES), "description": "Sentences per status."},
        source=ref("DocumentSource"),
    ),
    "Document": obj(
        id=STR,
        title=STR,
        url=STR,
        source=ref("DocumentSource"),
        page=INT,
        pages=INT,
        per_page=INT,
        passage_count=INT,
        summary={**counts(STATUSES), "description": "Sentences per status in the whole document."},
        offset={"type": "integer", "description": "Where `text` starts in the whole document."},
        text={
            "type": "string",
            "description": "The cleaned text this page covers; offsets count from the whole "
            "document's start, so `text[start - offset:end - offset]`.",
        },
        blocks=array(obj(kind={"type": "string", "enum": ["heading", "paragraph"]}, start=INT, end=INT)),
        passages=array(_DOCUMENT_PASSAGE),
    ),
    "Topic": obj(
        id=STR,
        title=STR,
        kind={"type": "string", "enum": ["topic", "generic"]},
        summary=STR,
        query=STR,
        supported=array(
            {
                "allOf": [
                    ref("SentenceCheck"),
                    obj(
                        passage_id=STR,
                        doc_id=STR,
                        title=STR,
                        url=STR,
                        source=ref("DocumentSource"),
                        citation={
                            "type": "string",
                            "description": "The sentence, the page it was first published on (when known), "
                            "our copy and its sources.",
                        },
                    ),
                ]
            }
        ),
        flagged=array(
            obj(
                passage_id=STR,
                doc_id=STR,
                title=STR,
                url=STR,
                source=ref("DocumentSource"),
                status=STATUS,
                text=STR,
                sentences=array(ref("SentenceCheck")),
            )
        ),
    ),
    "About": obj(
        statuses=array(obj(status=STATUS, label=STR, badge=BOOL, meaning=STR, flagged=BOOL)),
        sources=array(obj(id=STR, publisher=STR, title=STR, url=STR)),
        clarifications=array(obj(terms=array(STR), title=STR, note=STR, sources=array(ref("Source")))),
        topics=array(obj(id=STR, title=STR, kind=STR, rules=INT)),
        rules=INT,
        evidence_ranking=BOOL,
    ),
    "Index": obj(name=STR, version=STR, endpoints={"type": "object", "additionalProperties": STR}),
}
