"""HTTP API of the contract: check a document, list structures, get examples and schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.schemas import schema_dir

router = APIRouter(prefix="/api/v1", tags=["contract"])

#: The body is raw XML, read from the request; this tells OpenAPI what it is.
XML_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "description": "One XML document of a supported structure",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/validate",
    summary="Check a document against the contract (XSD, tables, rules)",
    openapi_extra=XML_REQUEST_BODY,
)
async def validate(request: Request) -> dict[str, Any]:
    limit = request.app.state.settings.max_document_bytes
    data = await request.body()
    if len(data) > limit:
        raise HTTPException(413, f"document larger than {limit} bytes")
    return validate_document(data, max_bytes=limit).as_dict()


@router.get("/structures", summary="Structures the node reads and writes")
def list_structures() -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "root_element": s.root_element,
            "namespace": s.namespace,
            "table": s.table,
            "published_by_eec": s.published,
            "paragraphs": s.paragraphs,
            "title_ru": s.title_ru,
            "title_en": s.title_en,
            "schema": f"/schemas/{s.xsd_file}",
            "example": f"/api/v1/structures/{s.code}/example",
        }
        for s in structures().values()
    ]


@router.get("/structures/{code}/example", summary="A realistic valid document of the structure")
def example(code: str) -> Response:
    if code not in structures():
        raise HTTPException(404, f"unknown structure {code}")
    return Response(encode(example_document(code)), media_type="application/xml")


schemas_router = APIRouter(tags=["contract"])


@schemas_router.get("/schemas/{name}", summary="An XSD file of the contract")
def schema_file(name: str) -> FileResponse:
    path = (schema_dir() / name).resolve()
    if path.parent != schema_dir().resolve() or path.suffix != ".xsd" or not path.is_file():
        raise HTTPException(404, f"no schema {name}")
    return FileResponse(path, media_type="application/xml")
