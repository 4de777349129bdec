"""./platform new service <name> --lang python|java: a new service of the platform in one command.

It writes the service from the templates of its language (templates/python, templates/java: the kit's app with
health, metrics, problem+json errors, the token check and tracing; one operation for a signed-in user; a test that
passes), an OpenAPI contract stub in contracts/openapi/ (templates/contract), and gives the service its place in the
topology (topology.py: the launcher's table, .env.example, the gateway's route, docs/architecture.md, the build, the
Dockerfile, compose.yaml, the Helm chart). Then
it regenerates the contract types and client (`./platform generate`), after `uv lock` for a Python service (a new
workspace member). `./platform up` or `./platform sandbox start` builds and starts it like any other part.

Templates are `string.Template`s whose placeholders are `{{name}}` (file names too): the `${...}` of Spring and shell
text in them stays as written. The launcher is standard library only (docs/decisions/0008).
"""

from __future__ import annotations

import keyword
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import PARTS, ROOT
from ..console import LauncherError, error, step

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("python", "java")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NAME_LENGTH = (3, 30)
# API prefixes the gateway serves itself (its own API, Prometheus queries): /api/<name> must be none of them.
GATEWAY_OWN_PREFIXES = ("/api/gateway", "/api/operations")
# Where new services' default ports start: above the Python services' (8001-8012), below the gateway's 8080.
FIRST_PORT = 8020
# Java's reserved words, which cannot be a package name (the Java package is the name without its dashes).
JAVA_KEYWORDS = frozenset("""abstract assert boolean break byte case catch char class const continue default do double
    else enum extends final finally float for goto if implements import instanceof int interface long native new
    package private protected public return short static strictfp super switch synchronized this throw throws
    transient try void volatile while true false null var record yield sealed permits""".split())
USAGE_ERROR = 2  # argparse's exit code for a bad command line: a bad name is one too


class ServiceTemplate(string.Template):
    """`{{placeholder}}`; anything else that starts with `{{` is an error (a typo in a template)."""

    pattern = r"\{\{(?:(?P<named>[a-z_]+)\}\}|(?P<braced>(?!x)x)|(?P<escaped>(?!x)x)|(?P<invalid>))"


@dataclass(frozen=True)
class NewService:
    name: str
    lang: str
    port: int

    @property
    def package(self) -> str:
        """The Python import package."""
        return self.name.replace("-", "_")

    @property
    def java_package(self) -> str:
        """dev.polyglot.<this>."""
        return self.name.replace("-", "")

    @property
    def class_prefix(self) -> str:
        return "".join(word.title() for word in self.name.split("-"))

    @property
    def contract(self) -> str:
        """contracts/openapi/<this>.yaml: a Python module name (contract_types.openapi.<this>) and a name the gateway
        serves (/contracts/openapi/<this>.yaml: no underscore)."""
        return self.java_package

    @property
    def module(self) -> str:
        return self.package if self.lang == "python" else self.name

    @property
    def port_var(self) -> str:
        return f"{self.package.upper()}_PORT"

    @property
    def url_var(self) -> str:
        return f"{self.package.upper()}_URL"

    @property
    def api_prefix(self) -> str:
        return f"/api/{self.name}"

    @property
    def health_path(self) -> str:
        return "/actuator/health/readiness" if self.lang == "java" else "/health"

    @property
    def placeholders(self) -> dict[str, str]:
        java = self.lang == "java"
        return {
            "name": self.name, "lang": self.lang, "port": str(self.port), "package": self.package,
            "java_package": self.java_package, "class_prefix": self.class_prefix, "contract": self.contract,
            "port_var": self.port_var, "api_prefix": self.api_prefix,
            # Spring's placeholder, written whole here: "${" before a "{{" is no template text.
            "port_setting": f"${{{self.port_var}:{self.port}}}",
            "description": "A service made by ./platform new service, with its service-info and a greeting for a "
                           "signed-in user.",
            "hello_operation": f"hello{self.class_prefix}",
            # The kit names it after the name's first word, in both languages (service_kit.service_info,
            # java-service-kit's OpenApiAutoConfiguration).
            "service_info_operation": f"get{self.name.split('-')[0].title()}ServiceInfo",
            "runtime_example": "Java 17.0.13" if java else "Python 3.11.7",
            "framework_example": "Spring Boot 4.0.0" if java else "FastAPI 0.165.0",
        }


def name_problem(name: str, root: Path = ROOT) -> str | None:
    """Why `name` cannot be a new service's, or None when it can."""
    low, high = NAME_LENGTH
    if not NAME_PATTERN.fullmatch(name):
        return (f"{name!r} is not a service name: lowercase letters and digits in words joined by single dashes, "
                "starting with a letter (e.g. greeting-service)")
    if not low <= len(name) <= high:
        return f"{name!r} is {len(name)} characters long: a service name has {low} to {high}"
    service = NewService(name, "python", 0)
    if any(part.name == name for part in PARTS):
        return f"{name!r} is already a part of the platform"
    if (root / name).exists():
        return f"{name!r} is taken: {root / name} exists"
    prefixes = [part.public_prefix for part in PARTS if part.public_prefix] + list(GATEWAY_OWN_PREFIXES)
    if service.api_prefix in prefixes:
        return f"{name!r} would route {service.api_prefix}/**, which the gateway already routes elsewhere"
    if (root / "contracts" / "openapi" / f"{service.contract}.yaml").exists():
        return f"{name!r} is taken: contracts/openapi/{service.contract}.yaml exists"
    packages = {source.replace("-", "_") for source in
                re.findall(r"^([a-z0-9-]+) = \{ workspace = true \}", (root / "pyproject.toml").read_text(), re.MULTILINE)}
    if service.package in packages or service.package in sys.stdlib_module_names or keyword.iskeyword(service.package):
        return f"{name!r} would make a Python package {service.package!r}, which is taken"
    settings = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (root / ".env.example").read_text(), re.MULTILINE))
    if service.port_var in settings or service.url_var in settings:
        return f"{name!r} would read {service.port_var} and {service.url_var}, and one of them is taken (.env.example)"
    if service.java_package in JAVA_KEYWORDS:
        return f"{name!r} would make a Java package named after the reserved word {service.java_package!r}"
    return None


def declared_ports(root: Path) -> set[int]:
    """The default ports of root's table of parts (launcher/config.py as it is on disk: services added since this
    process started count too)."""
    return {int(port) for port in re.findall(r'"[A-Z0-9_]+_PORT", (\d+),', (root / "launcher" / "config.py").read_text())}


def free_default_port(root: Path = ROOT) -> int:
    """The first port from FIRST_PORT that no part uses by default."""
    taken = declared_ports(root)
    return next(port for port in range(FIRST_PORT, 65536) if port not in taken)


def render(templates: Path, target: Path, placeholders: dict[str, str]) -> list[Path]:
    """Every `*.tmpl` under `templates`, substituted, at the same relative path (substituted too, minus .tmpl)."""
    written = []
    for template in sorted(templates.rglob("*.tmpl")):
        relative = ServiceTemplate(str(template.relative_to(templates))).substitute(placeholders).removesuffix(".tmpl")
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ServiceTemplate(template.read_text()).substitute(placeholders))
        written.append(path)
    return written


def create(name: str, lang: str, root: Path = ROOT) -> NewService:
    """Writes the service, its contract and its place in the topology under `root` (no build, no generation)."""
    from .topology import register

    problem = name_problem(name, root)
    if problem:
        raise BadName(problem)
    service = NewService(name, lang, free_default_port(root))
    render(TEMPLATES / lang, root / name, service.placeholders)
    contract = root / "contracts" / "openapi" / f"{service.contract}.yaml"
    contract.write_text(ServiceTemplate((TEMPLATES / "contract" / "openapi.yaml.tmpl").read_text())
                        .substitute(service.placeholders))
    changed = register(root, service)
    step(f"wrote {name}/, contracts/openapi/{service.contract}.yaml; edited {', '.join(map(str, changed))}")
    return service


class BadName(LauncherError):
    pass


def cmd_new(args) -> int:
    from .. import build
    from ..config import load_settings

    try:
        service = create(args.name, args.lang)
    except BadName as e:
        error(str(e))
        return USAGE_ERROR
    settings = load_settings()
    if service.lang == "python":  # a new workspace member: the lock names it (uv keeps every locked version)
        build.run_logged([build.uv_executable(), "lock", "--quiet"], settings.logs_dir / "build-uv-lock.log",
                         "uv lock (a new workspace member)", env=build.uv_env())
    build.sync_python(settings.logs_dir)
    from ..generate import main as generate_types  # imported now: it lists contracts/openapi when imported

    generate_types(settings.logs_dir)
    step(f"{service.name} is routed at the gateway as {service.api_prefix}/** (port {service.port}, "
         f"{service.port_var}); ./platform up or ./platform sandbox start builds and starts it.")
    step(f"its tests: {'./platform test python' if service.lang == 'python' else './platform test java'}; "
         f"its contract: contracts/openapi/{service.contract}.yaml (change it first, then the code)")
    step(f"once it runs, its metrics sample for the checks: python -m launcher.observability --capture-samples "
         f"[--data-dir <a sandbox's folder>] {service.name}")
    return 0


def add_new_commands(commands) -> None:
    new = commands.add_parser("new", help="create a new part of the platform (./platform new service NAME --lang LANG)",
                              description="Create a new service: its code on the kit of its language, a contract "
                                          "stub, its route at the gateway, its place in the topology, a passing test.")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="kind")
    service = kinds.add_parser("service", help="a service behind the gateway at /api/NAME/**")
    service.add_argument("name", help=f"lowercase words joined by dashes, {NAME_LENGTH[0]} to {NAME_LENGTH[1]} "
                                      "characters (e.g. greeting-service)")
    service.add_argument("--lang", required=True, choices=LANGUAGES, help="the service's language and kit")
    new.set_defaults(run=cmd_new)
