"""frontdoor from Python through its C interface, with nothing but the standard library's ctypes.

This is the pattern for any language with a C foreign-function interface (Java FFM, C# P/Invoke,
Go cgo, Node ffi...): load libfrontdoor_c, pass JSON strings in, take JSON strings out, free what
the library returned. (Python users who can build extensions get a richer native package in
python/; this file shows the C interface itself.)

    from frontdoor_ctypes import Library
    fd = Library()                                  # FRONTDOOR_C_LIBRARY, or build/libfrontdoor_c.so
    rules = fd.compile_file("rules/exampleshire.yaml", run_examples=True)
    d = rules.decide({"id": "C-1", "received": "2026-05-05T10:00:00Z",
                      "concerns": {"domestic_abuse": "complex"}})
    d["outcome"], d["deadline"], d["document"]["sha256"]

    slot = fd.slot(rules)                           # hot reload: deciding threads use the slot...
    slot.reload_file("rules/exampleshire.yaml")     # ...while another swaps a new document in

Run it as a script for a demonstration:  python3 examples/ffi/frontdoor_ctypes.py DOC CONTACT.json
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import pathlib
import sys
from typing import Any, Iterable, Optional

FD_OK, FD_REJECTED, FD_INVALID_ARGUMENT, FD_IO_ERROR, FD_DOCUMENT_ERROR, FD_OUT_OF_MEMORY, FD_INTERNAL_ERROR = range(7)
FD_COMPILE_RUN_EXAMPLES = 1
FD_TEXT, FD_JSON = 0, 1
ABI_VERSION = 1  # the FD_ABI_VERSION this wrapper was written for


class FrontdoorError(Exception):
    """A call failed. `status` is the fd_status name; `diagnostics` the document's findings, if any."""

    def __init__(self, status: str, message: str, diagnostics: Optional[list] = None):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.diagnostics = diagnostics or []


def _find_library() -> str:
    explicit = os.environ.get("FRONTDOOR_C_LIBRARY")
    if explicit:
        return explicit
    root = pathlib.Path(__file__).resolve().parents[2]
    for name in ("libfrontdoor_c.so", "libfrontdoor_c.dylib", "frontdoor_c.dll"):
        candidate = root / "build" / name
        if candidate.exists():
            return str(candidate)
    found = ctypes.util.find_library("frontdoor_c")
    if found:
        return found
    raise OSError("libfrontdoor_c not found: build it (ninja -C build frontdoor_c) or set FRONTDOOR_C_LIBRARY")


def _text(value: Any) -> Optional[bytes]:
    """A contact or history as the C interface takes it: JSON text (str and bytes pass as they are)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


class Library:
    """libfrontdoor_c, loaded once. Every call releases the GIL while the library works (ctypes
    does so for CDLL), so Python threads decide in parallel."""

    def __init__(self, path: Optional[str] = None):
        self._lib = lib = ctypes.CDLL(path or _find_library())
        c_char_p, c_void_p, c_int, c_uint, c_size_t = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_size_t
        out = ctypes.POINTER(c_void_p)
        sig = {
            "fd_version": (c_char_p, []),
            "fd_abi_version": (c_int, []),
            "fd_status_name": (c_char_p, [c_int]),
            "fd_last_error": (c_char_p, []),
            "fd_string_free": (None, [c_void_p]),
            "fd_compile_file": (c_int, [c_char_p, c_uint, out, out]),
            "fd_compile_text": (c_int, [c_char_p, c_size_t, c_char_p, c_uint, out, out]),
            "fd_ruleset_share": (c_void_p, [c_void_p]),
            "fd_ruleset_free": (None, [c_void_p]),
            "fd_document_id": (c_char_p, [c_void_p]),
            "fd_document_version": (c_char_p, [c_void_p]),
            "fd_document_sha256": (c_char_p, [c_void_p]),
            "fd_document_json": (c_int, [c_void_p, out]),
            "fd_decide": (c_int, [c_void_p, c_char_p, c_char_p, out]),
            "fd_decide_batch": (c_int, [c_void_p, c_char_p, out, ctypes.POINTER(c_size_t)]),
            "fd_explain": (c_int, [c_void_p, c_char_p, c_char_p, out]),
            "fd_referrer_summary": (c_int, [c_void_p, c_char_p, c_char_p, c_int, out]),
            "fd_audit_record": (c_int, [c_void_p, c_char_p, c_char_p, out]),
            "fd_slot_new": (c_void_p, [c_void_p]),
            "fd_slot_free": (None, [c_void_p]),
            "fd_slot_store": (c_int, [c_void_p, c_void_p]),
            "fd_slot_load": (c_void_p, [c_void_p]),
            "fd_slot_reload_file": (c_int, [c_void_p, c_char_p, c_uint, out]),
            "fd_slot_decide": (c_int, [c_void_p, c_char_p, c_char_p, out]),
        }
        for name, (restype, argtypes) in sig.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = restype, argtypes
        if lib.fd_abi_version() != ABI_VERSION:
            raise OSError(f"libfrontdoor_c has C interface version {lib.fd_abi_version()}, this wrapper speaks {ABI_VERSION}")
        self.version = lib.fd_version().decode()

    # Strings the library returns are the caller's: copy, then free.
    def _take(self, pointer: ctypes.c_void_p) -> Optional[str]:
        if not pointer.value:
            return None
        try:
            return ctypes.string_at(pointer.value).decode("utf-8", errors="replace")
        finally:
            self._lib.fd_string_free(pointer)

    def _error(self, status: int, diagnostics: Optional[str] = None) -> FrontdoorError:
        return FrontdoorError(self._lib.fd_status_name(status).decode(), self._lib.fd_last_error().decode("utf-8", errors="replace"),
                              json.loads(diagnostics) if diagnostics else None)

    def compile_file(self, path: str | os.PathLike, run_examples: bool = False) -> "RuleSet":
        handle, diagnostics = ctypes.c_void_p(), ctypes.c_void_p()
        status = self._lib.fd_compile_file(os.fsencode(path), FD_COMPILE_RUN_EXAMPLES if run_examples else 0,
                                           ctypes.byref(handle), ctypes.byref(diagnostics))
        found = self._take(diagnostics)
        if status != FD_OK:
            raise self._error(status, found)
        return RuleSet(self, handle.value, json.loads(found) if found else [])

    def compile_text(self, text: str, path: str = "(text)", run_examples: bool = False) -> "RuleSet":
        data = text.encode()
        handle, diagnostics = ctypes.c_void_p(), ctypes.c_void_p()
        status = self._lib.fd_compile_text(data, len(data), path.encode(), FD_COMPILE_RUN_EXAMPLES if run_examples else 0,
                                           ctypes.byref(handle), ctypes.byref(diagnostics))
        found = self._take(diagnostics)
        if status != FD_OK:
            raise self._error(status, found)
        return RuleSet(self, handle.value, json.loads(found) if found else [])

    def slot(self, initial: "RuleSet") -> "Slot":
        return Slot(self, initial)


class RuleSet:
    """One compiled threshold document. Immutable: share it between threads freely."""

    def __init__(self, library: Library, handle: int, diagnostics: list):
        self._library, self._lib, self._handle = library, library._lib, handle
        self.diagnostics = diagnostics  # warnings found while compiling

    def __del__(self):
        self.close()

    def close(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.fd_ruleset_free(self._handle)
            self._handle = None

    @property
    def id(self) -> str:
        return self._lib.fd_document_id(self._handle).decode()

    @property
    def version(self) -> str:
        return self._lib.fd_document_version(self._handle).decode()

    @property
    def sha256(self) -> str:
        return self._lib.fd_document_sha256(self._handle).decode()

    def document(self) -> dict:
        out = ctypes.c_void_p()
        status = self._lib.fd_document_json(self._handle, ctypes.byref(out))
        text = self._library._take(out)
        if status != FD_OK:
            raise self._library._error(status)
        return json.loads(text)

    def _call(self, function, contact, history, *extra) -> str:
        out = ctypes.c_void_p()
        status = function(self._handle, _text(contact), _text(history), *extra, ctypes.byref(out))
        text = self._library._take(out)
        if status not in (FD_OK, FD_REJECTED):  # a rejected contact still has its decision, with "error"
            raise self._library._error(status)
        return text

    def decide_json(self, contact, history=None) -> str:
        """The decision as the JSON line `frontdoor decide` writes."""
        return self._call(self._lib.fd_decide, contact, history)

    def decide(self, contact, history: Optional[list] = None) -> dict:
        return json.loads(self.decide_json(contact, history))

    def decide_batch_jsonl(self, contacts_jsonl: str | bytes) -> str:
        """JSON Lines in, JSON Lines out: `frontdoor decide` exactly, batch history included."""
        out, rejected = ctypes.c_void_p(), ctypes.c_size_t()
        status = self._lib.fd_decide_batch(self._handle, _text(contacts_jsonl), ctypes.byref(out), ctypes.byref(rejected))
        text = self._library._take(out)
        if status not in (FD_OK, FD_REJECTED):
            raise self._library._error(status)
        return text

    def decide_batch(self, contacts: Iterable[dict]) -> list[dict]:
        jsonl = "".join(json.dumps(c) + "\n" for c in contacts)
        return [json.loads(line) for line in self.decide_batch_jsonl(jsonl).splitlines()]

    def explain(self, contact, history=None) -> dict:
        return json.loads(self._call(self._lib.fd_explain, contact, history))

    def referrer_summary(self, contact, history=None, as_json: bool = False):
        text = self._call(self._lib.fd_referrer_summary, contact, history, FD_JSON if as_json else FD_TEXT)
        return json.loads(text) if as_json else text

    def audit_record(self, contact, history=None) -> str:
        """One line for an audit file that `frontdoor replay` re-decides."""
        return self._call(self._lib.fd_audit_record, contact, history)


class Slot:
    """The document in force, swapped atomically (hot reload)."""

    def __init__(self, library: Library, initial: RuleSet):
        self._library, self._lib = library, library._lib
        self._handle = self._lib.fd_slot_new(initial._handle)
        if not self._handle:
            raise library._error(FD_INVALID_ARGUMENT)

    def __del__(self):
        if getattr(self, "_handle", None):
            self._lib.fd_slot_free(self._handle)
            self._handle = None

    def store(self, rules: RuleSet) -> None:
        status = self._lib.fd_slot_store(self._handle, rules._handle)
        if status != FD_OK:
            raise self._library._error(status)

    def load(self) -> RuleSet:
        return RuleSet(self._library, self._lib.fd_slot_load(self._handle), [])

    def reload_file(self, path, run_examples: bool = True) -> None:
        """Compile `path` and put it in force, only if it compiles and (by default) its worked examples pass."""
        diagnostics = ctypes.c_void_p()
        status = self._lib.fd_slot_reload_file(self._handle, os.fsencode(path), FD_COMPILE_RUN_EXAMPLES if run_examples else 0,
                                               ctypes.byref(diagnostics))
        found = self._library._take(diagnostics)
        if status != FD_OK:
            raise self._library._error(status, found)

    def decide(self, contact, history=None) -> dict:
        out = ctypes.c_void_p()
        status = self._lib.fd_slot_decide(self._handle, _text(contact), _text(history), ctypes.byref(out))
        text = self._library._take(out)
        if status not in (FD_OK, FD_REJECTED):
            raise self._library._error(status)
        return json.loads(text)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} DOC CONTACT.json", file=sys.stderr)
        return 2
    fd = Library()
    rules = fd.compile_file(argv[1], run_examples=True)
    contact = pathlib.Path(argv[2]).read_text()
    d = rules.decide(contact)
    print(f"libfrontdoor_c {fd.version}: {rules.id} {rules.version} (sha256 {rules.sha256[:12]})")
    print(f"{d['contact']}: {d['outcome']} by {d['deadline']}" if d["error"] is None else f"{d['contact']}: rejected: {d['error']}")
    print()
    print(rules.referrer_summary(contact))
    return 0 if d["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
