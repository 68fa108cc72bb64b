"""An import-linter contract: other code may use an app only through its public modules.

Public are the app package itself and the modules named in ``public`` (services, selectors, errors,
events, urls); everything else in the app (models, api, views, forms, admin, tasks, ...) is its own.
Unlike the built-in ``protected`` contract it needs no list of modules that may not exist yet.
"""

from importlinter import Contract, ContractCheck, fields, output


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())

    def _is_public(self, app: str, module: str) -> bool:
        if module == app:
            return True
        return any(module == f"{app}.{name}" or module.startswith(f"{app}.{name}.") for name in self.public)

    def check(self, graph, verbose: bool) -> ContractCheck:
        violations = []
        for app in self.apps:
            inside = graph.find_descendants(app) | {app}
            for imported in sorted(inside):
                if self._is_public(app, imported):
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(imported)):
                    if importer in inside:
                        continue
                    lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                    violations.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for v in check.metadata["violations"]:
            where = ", ".join(f"l.{n}" for n in v["lines"])
            output.print_error(f"{v['importer']} imports {v['imported']} ({where}); use its services or selectors.")
            output.new_line()
