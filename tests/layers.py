"""An import-linter contract it does not ship: no package is in a cycle with its own modules.

`acyclic_siblings` finds cycles between sibling modules; a package whose `__init__` imports one
of its modules while that module imports the package (`classrooms.tutor` -> `.openai` ->
`classrooms.tutor`) is a cycle too, between a parent and its child. Declared in pyproject.toml
(`contract_types`), run by `lint-imports`.
"""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules


class PackagesNotInCyclesWithTheirModules(Contract):
    type_name = "package_acyclic"

    packages = fields.SetField(subfield=fields.ModuleExpressionField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = module_expressions_to_modules(graph, sorted(self.packages), raise_if_unmatched=True)  # type: ignore[call-overload]
        packages: set[str] = set()
        for root in roots:
            for name in {root.name, *graph.find_descendants(root.name)}:
                if graph.find_children(name):
                    packages.add(name)
        cycles: list[dict[str, Any]] = []
        for package in sorted(packages):
            imported = graph.find_upstream_modules(package)  # what the package's __init__ needs
            importers = graph.find_downstream_modules(package)  # what needs the package
            for module in sorted(imported & importers & graph.find_descendants(package)):
                cycles.append(
                    {
                        "package": package,
                        "module": module,
                        "there": graph.find_shortest_chain(importer=package, imported=module),
                        "back": graph.find_shortest_chain(importer=module, imported=package),
                    }
                )
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(
                f"{cycle['package']} and its module {cycle['module']} import each other:",
                bold=True,
            )
            output.print_error(f"  {' -> '.join(cycle['there'] or ())}")
            output.print_error(f"  {' -> '.join(cycle['back'] or ())}")
            output.new_line()
