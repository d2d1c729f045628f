"""A private name (``_name``, a module or anything in one) is imported only by the modules of
the package that holds it: sibling modules share their helpers; other packages, sub-packages
included, use public names."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _owner(dotted: str) -> str | None:
    """The package a dotted name is private to, or None when it has no private part: a
    ``_name`` in a package belongs to that package, one in a module to the module's package."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if _is_private(part):
            container = parts[:i]
            is_package = SRC.joinpath(*container).is_dir()
            return ".".join(container if is_package else container[:-1])
    return None


def private_imports(path: Path) -> list[str]:
    """``importer -> private name`` for each import of a private name from outside its package."""
    importer = _module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    return reaches(importer, package, path.read_text(encoding="utf-8"))


def reaches(importer: str, package: str, source: str) -> list[str]:
    """The private names the module ``importer`` (of ``package``) takes from other packages."""
    found = []
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # local name -> what it was imported as
    targets: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                base = ".".join([*anchor[: len(anchor) - node.level + 1], *filter(None, [base])])
            for alias in node.names:
                targets.append(f"{base}.{alias.name}")
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                targets.append(alias.name)
                local = alias.asname or alias.name.partition(".")[0]
                bound[local] = alias.name if alias.asname else local
    # ``module._name`` through an imported module is the same reach into its privates.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _is_private(node.attr)
        ):
            targets.append(f"{bound[node.value.id]}.{node.attr}")
    for dotted in targets:
        owner = _owner(dotted) if dotted.startswith("microneedling.") else None
        if owner is not None and owner != package:
            found.append(f"{importer} -> {dotted}")
    return found


def test_a_private_name_belongs_to_the_package_that_holds_it() -> None:
    assert _owner("microneedling.model.parameters._base.check_values") == (
        "microneedling.model.parameters"
    )
    assert _owner("microneedling.model.solver.engine._helper") == "microneedling.model.solver"
    assert _owner("microneedling.model.solver.engine.DailySolver") is None


def test_the_rule_sees_imports_and_module_attributes_across_packages() -> None:
    source = (
        "from microneedling.model import cohort\n"
        "from microneedling.model._inputs import DERMIS\n"
        "import microneedling.model.solver.scheduler as scheduler\n"
        "cohort._track(1)\nscheduler._call(2)\nscheduler.advance(3)\n"
    )
    assert sorted(
        reaches("microneedling.model.sweep.outcomes", "microneedling.model.sweep", source)
    ) == [
        "microneedling.model.sweep.outcomes -> microneedling.model._inputs.DERMIS",
        "microneedling.model.sweep.outcomes -> microneedling.model.cohort._track",
        "microneedling.model.sweep.outcomes -> microneedling.model.solver.scheduler._call",
    ]
    # Sibling modules share their package's helpers.
    assert (
        reaches(
            "microneedling.model.solver.engine",
            "microneedling.model.solver",
            "from microneedling.model.solver import scheduler\nscheduler._call(1)\n",
        )
        == []
    )


#: Known exceptions, to go when the patient pages get public page helpers (issue 17, item 6):
#: the patient portal's pages reuse the staff pages' private form and render helpers.
KNOWN = {
    "microneedling.web.patient._access -> microneedling.web.pages._render.PageContext",
    "microneedling.web.patient._access -> microneedling.web.pages._render.render",
    "microneedling.web.patient.consent -> microneedling.web.pages._forms.as_dict",
    "microneedling.web.patient.consent -> microneedling.web.pages._forms.submit",
    "microneedling.web.patient.consent -> microneedling.web.pages._render.render",
    "microneedling.web.patient.home -> microneedling.web.pages._forms.text",
    "microneedling.web.patient.home -> microneedling.web.pages._render.Flash",
    "microneedling.web.patient.home -> microneedling.web.pages._render.render",
    "microneedling.web.patient.intake -> microneedling.web.pages._forms.as_dict",
    "microneedling.web.patient.intake -> microneedling.web.pages._forms.read_or_refuse",
    "microneedling.web.patient.intake -> microneedling.web.pages._forms.submit",
    "microneedling.web.patient.intake -> microneedling.web.pages._intake_fields.CHOICES",
    "microneedling.web.patient.intake -> microneedling.web.pages._intake_fields.OTHER_ALLERGY_ROWS",
    "microneedling.web.patient.intake -> microneedling.web.pages._intake_fields.multi_values",
    "microneedling.web.patient.intake -> microneedling.web.pages._intake_fields.read_intake",
    "microneedling.web.patient.intake -> microneedling.web.pages._render.render",
    "microneedling.web.patient.signing -> microneedling.web.pages._forms.text",
}


def test_no_module_imports_a_private_name_from_outside_its_package() -> None:
    offenders = {hit for path in sorted(SRC.rglob("*.py")) for hit in private_imports(path)}
    assert sorted(offenders - KNOWN) == [], "\n".join(sorted(offenders - KNOWN))
    # An exception that has gone is taken off the list, so the list stays true.
    assert sorted(KNOWN - offenders) == []
