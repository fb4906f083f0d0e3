"""Console forms validated by the API's own marshmallow schemas, errors shown beside fields.

    form = load_form(WorkerCreateSchema())          # request.form through the API's schema
    if form.ok:
        try:
            worker = workers_service.register(session, form.values, …)   # same service as the API
        except DomainError as exc:
            form.add_domain_error(exc)               # a service rule's field messages, too
    return render_template("console/….html", form=form)

and in the template ``{% from "console/_forms.html" import field %}`` then
``{{ field(form, "name", t("姓名", "Name"), required=True) }}``: the label, the input with its
submitted value, and the field's messages (bilingual, as the API gives them) linked by
``aria-describedby``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from api.errors import bilingual
from models.errors import DomainError

FORM_ERROR = "_form"
"""Key of the messages that belong to the whole form rather than one field."""


@dataclass
class Form:
    """Submitted (or initial) ``data`` as strings, loaded ``values`` and ``errors`` by field."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.values is not None and not self.errors

    def value(self, name: str, default: Any = "") -> Any:
        value = self.data.get(name, default)
        return default if value is None else value

    def error(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(bilingual(message))

    def add_domain_error(self, exc: DomainError) -> None:
        """A service's refusal: its field messages beside the fields, else on the form."""
        messages = exc.field_messages() or {FORM_ERROR: [exc.message]}
        for name, texts in messages.items():
            for text in texts:
                self.add_error(name, text)

    @classmethod
    def initial(cls, data: Mapping[str, Any]) -> "Form":
        """A form filled with a record's values (an edit page before it is submitted)."""
        return cls(data=dict(data))


def flatten_messages(messages: Any) -> dict[str, list[str]]:
    """marshmallow's nested ``err.messages`` as ``{"a.b": [...]}``, each message bilingual;
    list items are numbered (``skills.0.code``); top-level ``_schema`` goes to the whole form."""
    out: dict[str, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, path if key == "_schema" else (f"{path}.{key}" if path else str(key)))
        elif isinstance(node, list) and any(isinstance(x, (Mapping, list)) for x in node):
            for item in node:
                walk(item, path)
        else:
            texts = node if isinstance(node, list) else [node]
            out.setdefault(path or FORM_ERROR, []).extend(bilingual(str(m)) for m in texts)

    walk(messages, "")
    return out


def form_payload(schema: Schema, formdata: MultiDict | None = None) -> dict[str, Any]:
    """The schema's fields from a submitted form: list fields from repeated inputs (or one
    comma/newline-separated text); an empty input is ``None`` for a field that may be empty
    (so an edit clears it) and is left out otherwise (so defaults and "required" apply as they
    do for a JSON body). Other inputs (``csrf_token``, buttons) are ignored."""
    formdata = request.form if formdata is None else formdata
    payload: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        if spec.dump_only:
            continue
        key = spec.data_key or name
        if isinstance(spec, fields.List):
            items: list[str] = []
            for raw in formdata.getlist(key):
                items.extend(p.strip() for p in raw.replace("\r", "\n").replace(",", "\n").split("\n"))
            if key in formdata:  # an input that was there but left empty sends an empty list
                payload[key] = [i for i in items if i]
            continue
        if key not in formdata:
            continue
        value = formdata.get(key, "")
        if isinstance(spec, fields.Boolean):
            # A checkbox comes after its hidden "false" (see the checkbox macro): the last one counts.
            payload[key] = formdata.getlist(key)[-1]
        elif value.strip() != "":
            payload[key] = value.strip()
        elif spec.allow_none:
            # An input emptied by the clerk clears what it held (an edit form is filled with the
            # record's values); a field that cannot be empty is left out, so "required" and the
            # keep-as-is of an edit (the masked phone) apply as for a JSON body.
            payload[key] = None
    return payload


def nested_payload(schema: Schema, formdata: MultiDict | None = None, prefix: str = "") -> dict[str, Any]:
    """``form_payload`` for a schema with ``Nested`` parts: ``placement.start_date`` inputs fill
    the ``placement`` object (an object is sent only when one of its inputs was filled in)."""
    formdata = request.form if formdata is None else formdata
    flat = MultiDict([(k[len(prefix):], v) for k, v in formdata.items(multi=True) if k.startswith(prefix)])
    payload = form_payload(schema, flat)
    for name, spec in schema.fields.items():
        if isinstance(spec, fields.Nested) and not spec.many and isinstance(spec.schema, Schema):
            payload.pop(name, None)
            inner = nested_payload(spec.schema, flat, f"{name}.")
            if inner:
                payload[name] = inner
    return payload


def load_form(schema: Schema, formdata: MultiDict | None = None, *, payload: dict[str, Any] | None = None,
              **load_kwargs: Any) -> Form:
    """Validate a submitted form with ``schema`` (the API's request schema); nested parts come
    from ``part.field`` inputs. ``payload``: validate this instead (a page that reshapes some
    inputs first), still showing what was typed."""
    formdata = request.form if formdata is None else formdata
    shown = {k: (formdata.getlist(k) if len(formdata.getlist(k)) > 1 else formdata.get(k))
             for k in formdata if k != "csrf_token" and "password" not in k}
    form = Form(data=shown)
    try:
        form.values = schema.load(nested_payload(schema, formdata) if payload is None else payload, **load_kwargs)
    except ValidationError as err:
        form.errors = flatten_messages(err.messages)
    return form
