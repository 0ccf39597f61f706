"""Type stubs of the compiled extension ``yinhuan._yinhuan`` (use the ``yinhuan`` package instead)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

__version__: str

class Library:
    """A compiled library of standards (the Rust ``yinhuan::Library``). Immutable, thread-safe."""

    @staticmethod
    def embedded() -> Library: ...
    @staticmethod
    def from_paths(paths: Sequence[str]) -> Library: ...
    @staticmethod
    def from_sources(sources: Sequence[Tuple[str, str]]) -> Library: ...
    @staticmethod
    def embedded_sources() -> List[Tuple[str, str]]: ...
    def evaluate(
        self,
        facts: Any,
        as_of: Optional[str] = None,
        standards: Optional[List[str]] = None,
        allow_superseded: bool = False,
        explain: bool = True,
    ) -> Dict[str, Any]: ...
    def evaluate_json(
        self,
        facts: Any,
        as_of: Optional[str] = None,
        standards: Optional[List[str]] = None,
        allow_superseded: bool = False,
        explain: bool = True,
    ) -> str: ...
    def questions(
        self,
        facts: Any,
        as_of: Optional[str] = None,
        standards: Optional[List[str]] = None,
        allow_superseded: bool = False,
    ) -> List[Dict[str, Any]]: ...
    def standards(self, as_of: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def rules(self, standard: str) -> List[Dict[str, Any]]: ...
    def explain_rule(self, rule: str) -> Dict[str, Any]: ...
    def schema(self, standard: Optional[str] = None) -> Dict[str, Any]: ...
    def batch_records(
        self,
        records: Any,
        drop: List[str],
        as_of: Optional[str] = None,
        standards: Optional[List[str]] = None,
        allow_superseded: bool = False,
        threads: int = 0,
    ) -> Dict[str, Any]: ...
    def batch_columns(
        self,
        names: List[str],
        columns: List[List[Any]],
        drop: List[str],
        sparse: List[str],
        as_of: Optional[str] = None,
        standards: Optional[List[str]] = None,
        allow_superseded: bool = False,
        threads: int = 0,
    ) -> Dict[str, Any]: ...

def _panic_for_test() -> None: ...
def ledger(records: List[Any], dates: List[str]) -> List[Dict[str, Any]]: ...
