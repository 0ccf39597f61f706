"""The exceptions raised by yinhuan. Every one derives from :class:`YinhuanError` and carries the
core's stable error ``code`` (``E0301``, ``E0501`` …), so callers can branch on it.

The classes pickle with all their attributes, so they survive dask and Spark workers.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = [
    "YinhuanError",
    "CompileError",
    "FactError",
    "RequestError",
    "EvalError",
    "InternalError",
]


class YinhuanError(Exception):
    """Base class of every yinhuan error. ``code`` is the core's stable error code."""

    code: str

    def __init__(self, message: str, code: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        for key, value in details.items():
            setattr(self, key, value)
        self._details = details

    def __reduce__(self):  # keep the attributes across pickling (dask, Spark)
        return (_rebuild, (type(self), self.message, self.code, self._details))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls, message, code, details):
    return cls(message, code=code, **details)


class CompileError(YinhuanError):
    """Rule sources that do not compile.

    ``diagnostics`` is a list of dicts with ``code``, ``message``, ``file``, ``line`` and ``column``
    (1-based) and ``rendered`` (that diagnostic with its caret); ``str(e)`` renders them all.
    """

    diagnostics: List[Dict[str, Any]]


class FactError(YinhuanError, ValueError):
    """Facts that do not match the schema.

    ``path`` is the JSON pointer of the offending value (``/blast_furnaces/0/in_production``),
    ``expected`` what the schema wants there, ``received`` what was given, ``kind`` one of
    ``invalid_json``, ``wrong_type``, ``unknown_field``, ``unknown_choice``, ``invalid_quantity``,
    ``invalid_date``, ``limit_exceeded``. Python values JSON cannot hold (an infinite float, a set)
    are reported as ``E0300`` (``invalid_json``).
    """

    kind: str
    path: str
    expected: str
    received: str


class RequestError(YinhuanError, ValueError):
    """A request the library cannot serve: an unknown standard (``E0501``) or rule (``E0502``), or a
    date not of the form ``YYYY-MM-DD`` (``E0503``)."""


class EvalError(YinhuanError, ArithmeticError):
    """A problem met while evaluating valid facts: overflow (``E0401``), division by zero
    (``E0402``)."""


class InternalError(YinhuanError, RuntimeError):
    """A bug in the engine (a Rust panic caught at the boundary). Please report it."""

