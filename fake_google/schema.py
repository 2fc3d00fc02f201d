"""Google's own contract, checked on every request: the discovery documents of the client library.

google-api-python-client ships the discovery documents of Sheets v4, Drive v3 and Gmail v1
(`googleapiclient/discovery_cache/documents/`). They are what Google publishes of each method:
its query parameters (names, types, enums, repeated or not) and the schema of its request and
response bodies, field by field. The emulator reads them from the *installed* package (never a
copy), so that it refuses what Google refuses by the same contract the clients are generated
from, and follows it when the library is upgraded.

`check(route, request)` runs before a route's handler and raises `SchemaError` (400
INVALID_ARGUMENT) for:

- a query parameter the method does not know (nor a standard one: `fields`, `alt`, `key`...),
  or a value of the wrong type or outside its enum;
- a `fields` partial-response mask naming a field the response does not have;
- a request body with an unknown field name, a value of the wrong JSON type, a value outside
  its enum, two members of one oneof (two kinds in one Sheets `Request`, two values in one
  `ExtendedValue`), or an update request (`updateCells`, `repeatCell`,
  `updateSheetProperties`, `updateDimensionProperties`...) whose own `fields` mask is missing or
  names a field its target message does not have.

Where the wording comes from. Google parses JSON bodies and query strings with protobuf's
JSON-to-proto converter (google/protobuf `src/google/protobuf/util/internal/proto_writer.cc`:
"Cannot find field.", "Proto field is not repeating, cannot start list.", "oneof field '…' is
already set. Cannot set '…'", locations in proto field names, `requests[0].update_cells`), and
its front end words and wraps what the converter reports. Each message below names the issue
thread or recording where Google was seen saying it. What could not be found is said where it
is used (the tail of the message for a bad path in an update request's `fields`, and the
proto names of nested enums and messages).

Google is more lenient than a naive reading of the documents in a few places, and so is the
emulator: field names may be given in lowerCamel or snake_case (both are proto JSON names),
integers and int64 may come as JSON numbers or decimal strings, enums by name in any case or
by ordinal (measured: brekkylab/backlot#342), `null` means "not set", and a single value is
accepted where a list is expected (protobuf's converter does so).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from typing import Any, cast

from googleapiclient.discovery_cache import get_static_doc

from fake_google.http import Request, Route
from fake_google.masks import invalid_mask
from fake_google.store import ApiError

APIS = {"sheets": "v4", "drive": "v3", "gmail": "v1"}
"""The discovery documents read: the three APIs the emulator serves."""

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


class SchemaError(ApiError):
    """A request Google's front end refuses before any backend sees it: 400 INVALID_ARGUMENT.

    `answer` is the whole JSON error answer. Every API gets `details` with a
    `google.rpc.BadRequest` listing one `fieldViolations` entry per problem (`field` is the
    location, left out when it is the root; `description` the sentence), and `message` all the
    sentences joined by newlines, as Google sends them (googleapis/google-api-python-client#930,
    theoephraim/node-google-spreadsheet#523, mnfst/llm-gateway#1858). Drive and Gmail answers
    also carry the legacy `errors[]` entry `{"message", "reason": "invalid"}`, as Drive's does
    for a body it cannot parse (masbug/flysystem-google-drive-ext#104).
    """

    def __init__(self, api: str, violations: list[tuple[str, str]], message: str | None = None):
        text = message or "\n".join(description for _, description in violations)
        super().__init__(400, text, "INVALID_ARGUMENT", reason="invalid")
        self.violations = violations
        entries = [
            {"field": location, "description": description} if location else {"description": description}
            for location, description in violations
        ]
        body: dict[str, Any] = {"code": 400, "message": text}
        if api in ("drive", "gmail"):
            body["errors"] = [{"message": text, "reason": "invalid"}]
        body["status"] = "INVALID_ARGUMENT"
        body["details"] = [{"@type": BAD_REQUEST, "fieldViolations": entries}]
        self.answer = {"error": body}


# -- the documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    """One discovery method: `sheets.spreadsheets.batchUpdate`, `drive.files.get`..."""

    id: str
    api: str
    parameters: dict[str, dict[str, Any]]
    request: str | None
    """The request body's schema name, or None for a method without a body."""
    response: str | None


@dataclass(frozen=True)
class Contract:
    """One API's discovery document: its standard parameters, methods and schemas."""

    api: str
    revision: str
    standard: dict[str, dict[str, Any]]
    methods: dict[str, Method]
    schemas: dict[str, dict[str, Any]] = field(repr=False)


@cache
def contract(api: str) -> Contract:
    """The discovery document of `api` ("sheets", "drive" or "gmail") shipped with the client."""
    text = get_static_doc(api, APIS[api])
    if text is None:  # pragma: no cover - the pinned client ships all three
        raise RuntimeError(f"google-api-python-client ships no discovery document for {api} {APIS[api]}")
    doc = json.loads(text)
    methods: dict[str, Method] = {}

    def walk(resource: dict[str, Any]) -> None:
        for method in resource.get("methods", {}).values():
            methods[method["id"]] = Method(
                method["id"],
                api,
                method.get("parameters", {}),
                (method.get("request") or {}).get("$ref"),
                (method.get("response") or {}).get("$ref"),
            )
        for child in resource.get("resources", {}).values():
            walk(child)

    walk(doc)
    return Contract(api, doc.get("revision", ""), doc.get("parameters", {}), methods, doc["schemas"])


def method_for(route_name: str) -> Method | None:
    """The discovery method a route serves, by its id.

    Route names are discovery ids, give or take two shortenings the emulator's request log
    uses: `sheets.values.get` for `sheets.spreadsheets.values.get`, and an `.upload` suffix
    for the media-upload path of a method (`drive.files.create.upload`).
    """
    api = route_name.split(".", 1)[0]
    if api not in APIS:
        return None
    methods = contract(api).methods
    name = route_name.removesuffix(".upload")
    for candidate in (name, name.replace(f"{api}.", f"{api}.spreadsheets.", 1)):
        if candidate in methods:
            return methods[candidate]
    return None


# -- where Google binds a body, and names the things the documents do not name --------------

BODY_ROOTS = {
    # values.update binds its ValueRange body to the request field `data`:
    # "Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), \"A\""
    # (burnash/gspread#668), "Unknown name \"data\" at 'data': Cannot find field."
    # (googleapis/google-api-dotnet-client#2161).
    "sheets.spreadsheets.values.update": "data",
    # spreadsheets.create binds its Spreadsheet to `spreadsheet`: "Unknown name \"title\" at
    # 'spreadsheet.properties': Proto field is not repeating, cannot start list."
    # (googleapis/google-api-nodejs-client#1220).
    "sheets.spreadsheets.create": "spreadsheet",
    # Drive binds a File body to `payload`: "Invalid value at 'payload' (Map), Cannot bind a list
    # to map for field 'exportLinks'." (masbug/flysystem-google-drive-ext#104, files.update;
    # files.create is taken to bind the same way).
    "drive.files.create": "payload",
    "drive.files.update": "payload",
}
"""The location prefix of a body's fields in Google's messages, where it was seen. Every other
body is checked from the root, as batchUpdate's is ("Unknown name \"requests\": Cannot find
field.", googleapis/google-api-nodejs-client#1380; "'requests[0].update_cells'")."""

ONEOFS: dict[str, dict[str, str]] = {
    # "Union field kind can be only one of the following" on the Request page of the Sheets
    # reference (developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request):
    # every member of Request. Filled in from the document below.
    "Request": {},
    # The reference pages of ExtendedValue, ColorStyle, DataFilter and DeveloperMetadataLocation
    # list these members as one union each (`value`, `kind`, `filter`, `location`: "Union field
    # location can be only one of the following: spreadsheet, sheetId, dimensionRange",
    # developers.google.com/sheets/api/reference/rest/v4/spreadsheets.developerMetadata);
    # PivotValue's `value` union was seen refused ("oneof field 'value' is already set").
    "ExtendedValue": {
        name: "value" for name in ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue")
    },
    "ColorStyle": {"rgbColor": "kind", "themeColor": "kind"},
    "DataFilter": {name: "filter" for name in ("developerMetadataLookup", "a1Range", "gridRange")},
    "DeveloperMetadataLocation": {name: "location" for name in ("spreadsheet", "sheetId", "dimensionRange")},
    "PivotValue": {"sourceColumnOffset": "value", "formula": "value"},
}
"""Discovery documents do not mark oneofs; these are the unions of Google's reference pages."""

MESSAGE_NAMES = {
    ("sheets", "Request"): "google.apps.sheets.v4.BatchUpdateSpreadsheetRequest.Request",
}
"""Proto names that are not the package plus the schema name, where Google was seen naming
them: "Invalid value at 'requests[0]'
(type.googleapis.com/google.apps.sheets.v4.BatchUpdateSpreadsheetRequest.Request),
\"repeatCell\"" (reproduced 2026-09-18 in a public test of Google's 400 texts). Others are
taken to be `<package>.<schema name>`, which Google's documents do not confirm."""

PACKAGES = {
    "sheets": "google.apps.sheets.v4",
    "drive": "google.apps.drive.v3",
    "gmail": "google.apps.gmail.v1",
}

ENUM_NAMES = {
    # Seen: "Invalid value at 'value_input_option'
    # (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"USER_ENTER\""
    # (johnkhansrc/NestGoogleSheetConnector#6); 'major_dimension' (…sheets.v4.Dimension)
    # (measured in brekkylab/backlot); CommentsViewMode (a public Sheets probe); the render
    # options' and InsertDataOption's names are those fake_google/sheets.py already answers.
    ("INPUT_VALUE_OPTION_UNSPECIFIED", "RAW", "USER_ENTERED"): "google.apps.sheets.v4.ValueInputOption",
    ("DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS"): "google.apps.sheets.v4.Dimension",
    ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"): "google.apps.sheets.v4.ValueRenderOption",
    ("SERIAL_NUMBER", "FORMATTED_STRING"): "google.apps.sheets.v4.DateTimeRenderOption",
    ("OVERWRITE", "INSERT_ROWS"): "google.apps.sheets.v4.InsertDataOption",
    (
        "COMMENTS_VIEW_MODE_UNSPECIFIED",
        "COMMENTS_VIEW_MODE_DEFAULT_FOR_CURRENT_ACCESS",
        "COMMENTS_VIEW_MODE_OMITTED",
        "COMMENTS_VIEW_MODE_INCLUDED",
    ): "google.apps.sheets.v4.CommentsViewMode",
}
"""Enum proto names by their values. Nested enums (CellFormat's alignments...) have names the
documents do not give; for them the type is Google's older label `TYPE_ENUM`, as in "Invalid
value at 'requests[3].repeat_cell.cell.user_entered_format.vertical_alignment' (TYPE_ENUM),
\"VERTICAL_ALIGN\"" (googleapis/google-api-dotnet-client#1314)."""

MASK_TARGETS = {
    "UpdateCellsRequest": "CellData",
    "RepeatCellRequest": "CellData",
    "UpdateSheetPropertiesRequest": "SheetProperties",
    "UpdateSpreadsheetPropertiesRequest": "SpreadsheetProperties",
    "UpdateDimensionPropertiesRequest": "DimensionProperties",
    "UpdateNamedRangeRequest": "NamedRange",
    "UpdateProtectedRangeRequest": "ProtectedRange",
    "UpdateDeveloperMetadataRequest": "DeveloperMetadata",
    "UpdateBandingRequest": "BandedRange",
    "UpdateFilterViewRequest": "FilterView",
    "UpdateEmbeddedObjectPositionRequest": "EmbeddedObjectPosition",
    "UpdateDimensionGroupRequest": "DimensionGroup",
}
"""Sheets update requests and the message their `fields` mask is relative to ("The root
`cell` is implied and should not be specified", RepeatCellRequest.fields in the document)."""

ACCEPTED_EXTRA_FIELDS = {
    # gspread's Spreadsheet.share() (gspread/http_client.py, insert_permission) has sent Drive
    # v2's `withLink` in every v3 permissions.create body since gspread 3 (burnash/gspread#621),
    # and no refusal was ever reported: Drive takes it though v3's document does not list it.
    ("drive", "Permission"): {"withLink"},
}
"""Fields Google accepts that its documents do not list (each with the evidence)."""

UPLOAD_PARAMETERS = {"upload_id"}
"""The resumable-upload protocol's own query parameter: on `/upload/` paths, not in methods."""


# -- the check -------------------------------------------------------------------------------


def check(route: Route, request: Request) -> None:
    """Refuse, as Google's front end does, a request that breaks its method's contract."""
    method = method_for(route.name)
    if method is None:
        return
    upload = request.path.startswith("/upload/")
    _check_query(method, request, upload)
    if method.request and request.method in ("POST", "PUT", "PATCH"):
        body = _json_body(request, upload)
        if body is not _NO_BODY:
            _check_body(method, body)
    fields = request.arg("fields")
    if fields and method.response:
        _check_response_mask(method, fields)


_NO_BODY = object()


def _json_body(request: Request, upload: bool) -> Any:
    """The JSON part of a request: the body, or the metadata part of a multipart upload."""
    content_type = request.content_type.split(";")[0].strip().lower()
    if upload:
        kind = request.arg("uploadType")
        if request.method == "PUT" or kind == "media":
            return _NO_BODY
        if kind == "multipart" or content_type.startswith("multipart/"):
            head = f"Content-Type: {request.content_type}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + request.body)
            parts = list(message.iter_parts()) if message.is_multipart() else []
            if not parts or parts[0].get_content_type() != "application/json":
                return _NO_BODY
            raw = cast("bytes | None", parts[0].get_payload(decode=True)) or b""
            return _parse(raw)
    if not request.body.strip():
        return _NO_BODY
    if content_type and content_type != "application/json":
        return _NO_BODY
    try:
        return request.json()  # parsed once, for the handler too
    except ApiError:
        return _NO_BODY  # the handler answers malformed JSON as it always did


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return _NO_BODY  # the handler answers malformed JSON as it always did


# -- query parameters --------------------------------------------------------------------------


def _check_query(method: Method, request: Request, upload: bool) -> None:
    """Sheets (and Gmail, fronted the same way) bind every query parameter to the request.

    Drive does not refuse a parameter its method does not list: Google answered 200 to
    gspread's `files.get?supportsAllDrives=True&includeItemsFromAllDrives=True` (a
    `files.list` parameter) in the recordings of ../shared/conformance, so Drive's query
    strings are left to its routes.
    """
    if method.api == "drive":
        return
    standard = contract(method.api).standard
    violations: list[tuple[str, str]] = []
    for name, values in request.query.items():
        spec = method.parameters.get(name)
        if spec is not None and spec.get("location") == "query":
            for value in values if spec.get("repeated") else values[-1:]:
                if not _scalar_ok(value, spec, from_query=True):
                    label = _kind_label(spec)
                    violations.append(
                        (snake(name), f"Invalid value at '{snake(name)}' ({label}), \"{value}\"")
                    )
            continue
        if spec is not None or name in standard or (upload and name in UPLOAD_PARAMETERS):
            continue
        # "Invalid JSON payload received. Unknown name \"…\": Cannot bind query parameter.
        # Field '…' could not be found in request message." (VBA-tools/VBA-Web#332, Sheets;
        # the violation has no `field`).
        violations.append(
            (
                "",
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                f"Field '{name}' could not be found in request message.",
            )
        )
    if violations:
        raise SchemaError(method.api, violations)


# -- the partial-response mask -----------------------------------------------------------------


def _check_response_mask(method: Method, fields: str) -> None:
    """Every path of `fields` must name fields of the response.

    Sheets (and Gmail, which Google fronts the same way) answer "Request contains an invalid
    argument." with the path in a field violation: "Error expanding 'fields' parameter. Cannot
    find matching fields for path 'sheets.sheetProperties'." (recorded from Google by
    r-lib/gargle, tests/testthat/fixtures/sheets-spreadsheets-get-bad-field-mask_400). Sheets
    keeps the spaces ("path ' sheets.properties'", ringo380/claude-google-sheets-mcp#2), Drive
    trims them and answers its own "Invalid field selection items" with reason
    `invalidParameter` at `fields` (googleworkspace/java-samples#1547).
    """
    assert method.response is not None
    drive = method.api == "drive"
    schemas = contract(method.api).schemas
    for path in mask_paths(fields, trim=drive):
        bad = _first_missing(schemas, method.response, path)
        if bad is None:
            continue
        if drive:
            raise invalid_mask(path[bad])
        dotted = ".".join(path)
        raise SchemaError(
            method.api,
            [
                (
                    dotted,
                    f"Error expanding 'fields' parameter. Cannot find matching fields for path '{dotted}'.",
                )
            ],
            message="Request contains an invalid argument.",
        )


def mask_paths(text: str, *, trim: bool) -> list[list[str]]:
    """The paths of a mask: `a,b(c,d/e)` → [a], [b, c], [b, d, e]; parentheses must balance."""
    paths: list[list[str]] = []
    prefixes: list[list[str]] = [[]]
    token = ""
    opened = False

    def flush() -> None:
        nonlocal token
        name = token.strip() if trim else token
        token = ""
        if name.strip():
            paths.append(prefixes[-1] + re.split(r"[./]", name))

    for char in text:
        if char == ",":
            if not opened:
                flush()
            opened = False
        elif char == "(":
            name = token.strip() if trim else token
            token = ""
            prefixes.append(prefixes[-1] + re.split(r"[./]", name))
            opened = False
        elif char == ")":
            flush()
            if len(prefixes) == 1:
                raise invalid_mask(text)
            prefixes.pop()
            opened = True  # "a(b),c": the comma after ")" starts a new path, nothing to flush
        else:
            token += char
    flush()
    if len(prefixes) != 1:
        raise invalid_mask(text)
    return paths


def _first_missing(schemas: dict[str, dict[str, Any]], root: str, path: list[str]) -> int | None:
    """The index of the first segment of `path` that names no field, or None if all do."""
    spec: dict[str, Any] = {"$ref": root}
    for index, name in enumerate(path):
        spec = _unwrap(spec)
        if name == "*":
            return None
        if "$ref" in spec:
            properties = schemas[spec["$ref"]].get("properties", {})
        elif "additionalProperties" in spec:  # a map: any key
            spec = spec["additionalProperties"]
            continue
        else:
            return index
        key = _lookup(properties, name)
        if key is None:
            return index
        spec = properties[key]
    return None


def _unwrap(spec: dict[str, Any]) -> dict[str, Any]:
    """The item schema of an array (of arrays): masks select through repeated fields."""
    while spec.get("type") == "array":
        spec = spec.get("items", {})
    return spec


# -- bodies ------------------------------------------------------------------------------------


def _check_body(method: Method, body: Any) -> None:
    assert method.request is not None
    root = BODY_ROOTS.get(method.id, "")
    violations: list[tuple[str, str]] = []
    walker = _Walker(method.api, contract(method.api).schemas, violations)
    if not isinstance(body, dict):
        # protobuf's converter: "Root element must be a message." (the emulator's Sheets
        # routes already answer this for a non-object body).
        violations.append(
            ("", 'Invalid JSON payload received. Unknown name "": Root element must be a message.')
        )
    else:
        walker.message(body, method.request, root)
    if violations:
        raise SchemaError(method.api, violations)
    if method.id == "sheets.spreadsheets.batchUpdate":
        refusal = _update_mask_refusal(walker.schemas, body)
        if refusal is not None:
            # A backend refusal, in the shape of the others ("Invalid requests[0].
            # updateSheetProperties: …", status INVALID_ARGUMENT, no details).
            raise ApiError(400, refusal, "INVALID_ARGUMENT")


@dataclass
class _Walker:
    """Walks a JSON value against a schema, recording Google's sentence for each problem.

    Bodies run to tens of megabytes (an updateCells of 100,000 rows), so the walk builds a
    location string only to descend into a message or a list, or to report a problem.
    """

    api: str
    schemas: dict[str, dict[str, Any]]
    violations: list[tuple[str, str]]
    infos: dict[str, tuple[dict[str, Any], dict[str, str], frozenset[str]]] = field(default_factory=dict)

    def add(self, location: str, description: str) -> None:
        self.violations.append((location, description))

    def message(self, value: dict[str, Any], schema_name: str, location: str) -> None:
        info = self.infos.get(schema_name)
        if info is None:
            info = self.infos[schema_name] = _message_info(self.api, schema_name)
        properties, unions, extra = info
        taken: set[str] | None = None
        for key, item in value.items():
            spec = properties.get(key)
            name = key
            if spec is None:
                alias = camel(key)
                spec = properties.get(alias)
                name = alias
            if spec is None:
                if key in extra:
                    continue
                # "Invalid JSON payload received. Unknown name \"headerValues\" at
                # 'requests[0].update_sheet_properties.properties': Cannot find field."
                # (theoephraim/node-google-spreadsheet#523); the name as sent.
                self.add(
                    location,
                    f'Invalid JSON payload received. Unknown name "{key}"{_at(location)}: Cannot find field.',
                )
                continue
            if item is None:
                continue
            if unions:
                union = unions.get(name)
                if union is not None:
                    taken = taken if taken is not None else set()
                    if union in taken:
                        # protobuf's ValidOneof, as Google words it: "Invalid value at
                        # 'index.fields[0]' (oneof), oneof field 'value_mode' is already set.
                        # Cannot set 'arrayConfig'" (Firestore, measured in a public emulator's
                        # test).
                        self.add(
                            location,
                            f"Invalid value{_at(location)} (oneof), oneof field '{union}' is already set. "
                            f"Cannot set '{key}'",
                        )
                        continue
                    taken.add(union)
            self.field(item, spec, location, key)

    def field(self, value: Any, spec: dict[str, Any], parent: str, key: str) -> None:
        """The value of field `key` of the message at `parent`."""
        kind = type(value)
        ref = spec.get("$ref")
        if ref is not None:
            if kind is dict:
                self.message(value, ref, _join(parent, snake(key)))
            elif kind is list:
                self.not_repeating(parent, key)
            else:
                self.element(value, spec, _join(parent, snake(key)))
            return
        shape = spec.get("type")
        if shape == "array":
            items = spec.get("items", {})
            location = _join(parent, snake(key))
            if kind is list:
                for index, item in enumerate(value):
                    self.element(item, items, f"{location}[{index}]")
            elif kind is dict and not _takes_object(items):
                self.add(
                    parent, f"Invalid value{_at(parent)} ({snake(key)}), Starting an object on a scalar field"
                )
            else:  # one value for a repeated field: protobuf's converter takes it as one element
                self.element(value, items, location)
            return
        if shape == "any":
            return  # google.protobuf.Value: any JSON
        if shape == "object":
            if "additionalProperties" not in spec:
                return  # google.protobuf.Struct: any object
            if kind is list:
                # "Invalid value at 'payload' (Map), Cannot bind a list to map for field
                # 'exportLinks'." (masbug/flysystem-google-drive-ext#104)
                self.add(
                    parent, f"Invalid value{_at(parent)} (Map), Cannot bind a list to map for field '{key}'."
                )
            else:
                self.element(value, spec, _join(parent, snake(key)))
            return
        if kind is list:
            self.not_repeating(parent, key)
        elif kind is dict:
            # "Invalid value at 'requests[0].create_shape.element_properties.transform'
            # (scale_x), Starting an object on a scalar field" (a Slides batchUpdate, 2026);
            # "Invalid value (add_label_ids), …" at the root (a Gmail modify).
            self.add(
                parent, f"Invalid value{_at(parent)} ({snake(key)}), Starting an object on a scalar field"
            )
        elif not _scalar_ok(value, spec, from_query=False):
            self.bad_scalar(value, spec, _join(parent, snake(key)))

    def not_repeating(self, parent: str, key: str) -> None:
        # "Unknown name \"title\" at 'spreadsheet.properties': Proto field is not repeating,
        # cannot start list." (googleapis/google-api-nodejs-client#1220)
        self.add(
            parent,
            f'Invalid JSON payload received. Unknown name "{key}"{_at(parent)}: '
            "Proto field is not repeating, cannot start list.",
        )

    def bad_scalar(self, value: Any, spec: dict[str, Any], location: str) -> None:
        # "Invalid value at 'end_time_millis' (TYPE_INT64), \"2021-08-16T11:07:23.313Z\"" (a
        # Fitness API answer); strings quoted, numbers bare ("(TYPE_STRING), 1",
        # google-gemini/gemini-cli#4120).
        self.add(location, f"Invalid value{_at(location)} ({_kind_label(spec)}), {_shown(value)}")

    def element(self, value: Any, spec: dict[str, Any], location: str) -> None:
        """One value (a list's item, a map's value, a message field's) at `location`."""
        kind = type(value)
        ref = spec.get("$ref")
        shape = spec.get("type")
        if ref is not None:
            if kind is dict:
                self.message(value, ref, location)
            else:
                # "Invalid value at 'requests[0]' (type.googleapis.com/google.apps.sheets.v4.
                # BatchUpdateSpreadsheetRequest.Request), \"repeatCell\"" (see MESSAGE_NAMES)
                name = self.proto_name(ref)
                self.add(
                    location, f"Invalid value{_at(location)} (type.googleapis.com/{name}), {_shown(value)}"
                )
        elif shape == "any":
            return
        elif shape == "object":
            if "additionalProperties" not in spec:
                return
            if kind is not dict:
                self.add(location, f"Invalid value{_at(location)} (Map), {_shown(value)}")
                return
            # A map's entries are located `properties[3].value` (mnfst/llm-gateway#1858).
            for index, item in enumerate(value.values()):
                if item is not None:
                    self.element(item, spec["additionalProperties"], f"{location}[{index}].value")
        elif shape == "array":  # a list in a list: google.protobuf.ListValue (ValueRange.values)
            if kind is not list:
                # "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue),
                # \"X\"" (gspread's recording WorksheetTest.test_add_validation; burnash/gspread#668)
                self.add(
                    location,
                    f"Invalid value{_at(location)} (type.googleapis.com/google.protobuf.ListValue), "
                    f"{_shown(value)}",
                )
                return
            items = spec.get("items", {})
            if items.get("type") == "any":
                return
            for index, item in enumerate(value):
                self.element(item, items, f"{location}[{index}]")
        elif kind is dict or kind is list or not _scalar_ok(value, spec, from_query=False):
            self.bad_scalar(value, spec, location)

    def proto_name(self, schema_name: str) -> str:
        return MESSAGE_NAMES.get((self.api, schema_name), f"{PACKAGES[self.api]}.{schema_name}")


def _message_info(api: str, schema_name: str) -> tuple[dict[str, Any], dict[str, str], frozenset[str]]:
    """A message's properties, its oneof members (field → union) and the extra names taken."""
    schemas = contract(api).schemas
    properties = schemas[schema_name].get("properties", {})
    if api != "sheets":
        unions: dict[str, str] = {}
    elif schema_name == "Request":
        unions = {name: "kind" for name in properties}
    else:
        unions = ONEOFS.get(schema_name, {})
    return properties, unions, frozenset(ACCEPTED_EXTRA_FIELDS.get((api, schema_name), ()))


def _takes_object(spec: dict[str, Any]) -> bool:
    """Whether a JSON object may stand for a value of this schema (a message, map, Value)."""
    return "$ref" in spec or spec.get("type") in ("any", "object")


# -- scalars -----------------------------------------------------------------------------------

_INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}
_BOOLEANS = {"true", "t", "yes", "y", "1", "false", "f", "no", "n", "0"}
"""protobuf's `safe_strtob`, which its converter uses for a boolean given as a string."""


def _kind_label(spec: dict[str, Any]) -> str:
    """The type Google names in "Invalid value at '…' (TYPE_INT32), …"."""
    if "enum" in spec:
        name = ENUM_NAMES.get(tuple(spec["enum"]))
        return f"type.googleapis.com/{name}" if name else "TYPE_ENUM"
    kind, fmt = spec.get("type"), spec.get("format")
    if kind == "boolean":
        return "TYPE_BOOL"
    if kind == "integer":
        return "TYPE_UINT32" if fmt == "uint32" else "TYPE_INT32"
    if kind == "number":
        return "TYPE_FLOAT" if fmt == "float" else "TYPE_DOUBLE"
    if fmt in ("int64", "uint64"):
        return f"TYPE_{fmt.upper()}"
    if fmt == "byte":
        return "TYPE_BYTES"
    return "TYPE_STRING"


def _scalar_ok(value: Any, spec: dict[str, Any], *, from_query: bool) -> bool:
    """Whether a scalar fits `spec`, as protobuf's converter takes it.

    Integers may come as integral numbers or decimal strings, numbers as strings too, booleans
    as `safe_strtob` strings; a query parameter's value is always a string.
    """
    kind = type(value)
    names = spec.get("enum")
    if names is not None:
        return _enum_ok(value, names)
    shape = spec.get("type")
    if shape == "string":
        fmt = spec.get("format")
        if fmt == "int64" or fmt == "uint64":
            return _int_ok(value, fmt)
        return kind is str or from_query
    if shape == "number":
        return kind is float or kind is int or (kind is str and _number_text(value))
    if shape == "integer":
        return _int_ok(value, spec.get("format") or "int32")
    if shape == "boolean":
        return kind is bool or (kind is str and value.lower() in _BOOLEANS)
    return True


def _int_ok(value: Any, fmt: str) -> bool:
    low, high = _INT_RANGES.get(fmt, _INT_RANGES["int32"])
    number = _as_integer(value)
    return number is not None and low <= number <= high


def _enum_ok(value: Any, names: list[str]) -> bool:
    """A name (in any case, `-` for `_`), or an ordinal below the enum's length (backlot#342)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < len(names)
    if isinstance(value, float):
        return value.is_integer() and 0 <= value < len(names)
    if not isinstance(value, str):
        return False
    if value in names or value.upper().replace("-", "_") in names:
        return True
    return bool(re.fullmatch(r"\d+", value)) and int(value) < len(names)


def _as_integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def _number_text(text: str) -> bool:
    """A number as a string ("1.5", "NaN", "Infinity"), as proto JSON allows."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shown(value: Any) -> str:
    """A value as protobuf's converter prints it: strings quoted, the rest as JSON."""
    if isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# -- update requests' own masks -----------------------------------------------------------------


def _update_mask_refusal(schemas: dict[str, dict[str, Any]], body: dict[str, Any]) -> str | None:
    """`fields` of updateCells, repeatCell, updateSheetProperties...: present, and naming fields.

    A missing or empty mask: "Invalid requests[0].repeatCell: At least one field must be listed
    in 'fields'. (Use '*' to indicate all fields.)" (reproduced from Google 2026-09-18, in a
    public test of its 400 texts). A path naming no field: Google's sentence for it was not
    found; the emulator keeps Google's "Invalid requests[i].kind: " prefix (seen for every
    backend refusal of a request) and says the rest in its own words. The first invalid
    request is the one named, as Google names one.
    """
    request_properties = schemas["Request"].get("properties", {})
    for index, entry in enumerate(body.get("requests") or []):
        if not isinstance(entry, dict):
            continue
        for key, payload in entry.items():
            name = _lookup(request_properties, key)
            if name is None or not isinstance(payload, dict):
                continue
            target = MASK_TARGETS.get(request_properties[name].get("$ref", ""))
            if target is None:
                continue
            prefix = f"Invalid requests[{index}].{name}: "
            fields = payload.get("fields")
            paths = mask_paths(fields, trim=True) if isinstance(fields, str) else []
            if not paths:
                return (
                    prefix
                    + "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"
                )
            for path in paths:
                bad = _first_missing(schemas, target, path)
                if bad is not None:
                    # Not Google's words (not found): the emulator's own.
                    return (
                        prefix
                        + f"Invalid field mask path '{'.'.join(path)}': {target} has no field '{path[bad]}'."
                    )
    return None


# -- names -------------------------------------------------------------------------------------


@cache
def snake(name: str) -> str:
    """A lowerCamel JSON name as the proto field name Google's locations use."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@cache
def camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda found: found[1].upper(), name)


def _lookup(properties: dict[str, Any], key: str) -> str | None:
    """The property `key` names: its JSON name, or its proto (snake_case) name."""
    if key in properties:
        return key
    alias = camel(key)
    return alias if alias in properties else None


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _at(location: str) -> str:
    return f" at '{location}'" if location else ""
