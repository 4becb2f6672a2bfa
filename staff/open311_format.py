"""GeoReport v2 documents in JSON and in XML, from plain rows of (field, value) pairs.

One list of fields per record feeds both formats, so the two cannot drift apart. XML follows the spec's
shapes: <services><service>…, <service_requests><request>…, and <errors><error><code/><description/>….
A field whose value is None is left out of both (lat, long and media_url are never produced at all).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime

Value = str | int | bool | datetime | None
Record = list[tuple[str, Value]]

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def w3c(value: datetime) -> str:
    """A W3C datetime with its offset and whole seconds, as the spec's examples write them."""
    return value.replace(microsecond=0).isoformat()


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return str(value)


def _json_value(value: Value) -> str | int | bool:
    assert value is not None
    return w3c(value) if isinstance(value, datetime) else value


def as_json(records: Sequence[Record]) -> bytes:
    """A JSON array of objects, fields in the spec's order."""
    objects = [{name: _json_value(value) for name, value in record if value is not None} for record in records]
    return json.dumps(objects, ensure_ascii=False).encode()


def as_json_document(document: Mapping[str, object]) -> bytes:
    """A JSON object as it is (discovery.json is one object, not a list of records)."""
    return json.dumps(document, ensure_ascii=False).encode()


def as_xml(records: Sequence[Record], *, root: str, item: str) -> bytes:
    """<root><item><field>value</field>…</item>…</root> with an XML declaration."""
    top = ET.Element(root)
    for record in records:
        element = ET.SubElement(top, item)
        for name, value in record:
            if value is not None:
                ET.SubElement(element, name).text = _text(value)
    document: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return document


def error_records(code: int, description: str) -> list[Record]:
    return [[("code", code), ("description", description)]]
