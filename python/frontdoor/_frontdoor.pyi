# Generated from the built module by scripts/python_stubs.py (pybind11-stubgen); do not edit.
# Use the `frontdoor` package, not this module: its names and shapes may change between versions.
"""
frontdoor's C++ engine (use the `frontdoor` package, not this module)
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['DecidedContact', 'HAVE_ANALYSIS', 'RuleSet', 'audit', 'check_file', 'compile_file', 'compile_text', 'diff', 'figures', 'iso_timestamp', 'symbolic_diff']
class DecidedContact:
    """
    One contact's decision, as the package's Decision reads it
    """
    def fields(self) -> dict[str, typing.Any]:
        """
        SPEC section 4's object, as json.loads would give it
        """
    def reasons(self) -> tuple:
        """
        (kind, id, text, at, path, line, column, source line) per reason
        """
    def rejection(self) -> tuple[str, str] | None:
        """
        (code, field) when rejected, else None
        """
    def to_json(self) -> str:
        """
        The same object as `frontdoor decide` writes it
        """
    def trace(self) -> list[dict[str, typing.Any]] | None:
        """
        explain's steps, or None from decide
        """
class RuleSet:
    """
    A compiled threshold document (the package's Document wraps it)
    """
    def decide(self, names: collections.abc.Sequence[str], values: list, history_json: str | None, normalize: typing.Any, bad: typing.Any) -> DecidedContact:
        ...
    def decide_columns(self, columns: list, rows: typing.SupportsInt | typing.SupportsIndex, threads: typing.SupportsInt | typing.SupportsIndex, reasons: bool, progress: collections.abc.Callable[[int], typing.Any] | None, normalize: typing.Any, bad: typing.Any, objects: bool = False, recorded_history: bool = False) -> dict[str, typing.Any]:
        ...
    def explain(self, names: collections.abc.Sequence[str], values: list, history_json: str | None, normalize: typing.Any, bad: typing.Any) -> DecidedContact:
        ...
    def info(self) -> dict[str, typing.Any]:
        """
        The document as the report layer's JSON object (DocumentDetail::full)
        """
    def source_line(self, line: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def summary(self) -> str:
        ...
    @property
    def effective_from(self) -> str:
        ...
    @property
    def id(self) -> str:
        ...
    @property
    def path(self) -> str:
        ...
    @property
    def sha256(self) -> str:
        ...
    @property
    def timezone(self) -> str:
        ...
    @property
    def title(self) -> str:
        ...
    @property
    def version(self) -> str:
        ...
def audit(rules: RuleSet, input: dict, recorded: typing.Any, values: collections.abc.Sequence[str], ids: typing.Any, examples: typing.SupportsInt | typing.SupportsIndex = 20) -> tuple:
    ...
def check_file(path: str, strict: bool = False, timeout_ms: typing.SupportsInt | typing.SupportsIndex | None = None, budget_ms: typing.SupportsInt | typing.SupportsIndex | None = None) -> tuple[list[dict[str, typing.Any]], str | None]:
    ...
def compile_file(path: str) -> tuple[RuleSet | None, list[dict[str, typing.Any]], str | None]:
    ...
def compile_text(text: str, path: str) -> tuple[RuleSet | None, list[dict[str, typing.Any]], str | None]:
    ...
def diff(a: RuleSet, side_a: dict, b: RuleSet, side_b: dict, ids: typing.Any, examples: typing.SupportsInt | typing.SupportsIndex = 5, causes: typing.SupportsInt | typing.SupportsIndex = 5) -> tuple:
    ...
def figures(input: dict, repeat_flag: str = 'repeat_contact', re_referral_months: typing.SupportsInt | typing.SupportsIndex = 12) -> tuple:
    ...
def iso_timestamp(ms: typing.SupportsInt | typing.SupportsIndex, zoned: bool = True) -> str:
    ...
def symbolic_diff(a: RuleSet, b: RuleSet, timeout_ms: typing.SupportsInt | typing.SupportsIndex = 10000) -> tuple[str, str]:
    ...
HAVE_ANALYSIS: bool
__version__: str
