"""Every variable in .env.example is read by something, and every variable read is listed there, in both
languages (issue 17: settings the frameworks' way).

What counts as reading a variable, per reader (only what ships: */src/main, the packages' own modules):
- Java: Spring placeholders ${NAME} / ${NAME:default} in the resources' YAML and in @Value strings;
  Environment.getProperty("NAME"), System.getenv("NAME"), a helper called with (environment, "NAME"); and a
  @ConfigurationProperties record bound by relaxed binding straight from the environment (prefix
  "service-kit.events", component batchSize: SERVICEKIT_EVENTS_BATCHSIZE, or anything under it). The
  EVENTS_* variables reach Java through placeholders in service-kit-defaults.yaml, not that way.
- Python services (service_kit and the packages of the launcher's Python parts): pydantic-settings classes,
  every BaseSettings subclass their modules define (found by importing them all), with the names
  pydantic-settings reads (validation_alias / AliasChoices, else env_prefix + field name); and code that
  reads the environment itself: os.environ[NAME], <environ>.get(NAME), os.getenv(NAME), a helper called with
  (environ, NAME), a `*_env=NAME` keyword, where NAME is a literal, a module constant, or a loop variable
  over a module constant's names (a helper's own lookup, environ.get(name), is covered by its callers).
- The Python suites' shared test support (service_kit_testing) and the sandbox plugin (platform_sandbox): the same
  source scan.
- The launcher (stdlib, runs before the venv): the same source scan, and each part's port variable.
- compose.yaml: ${NAME} interpolations, read from the host.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import pkgutil
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import AliasChoices, AliasPath, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from launcher.config import PARTS, SERVICES, read_env_file

# Read, yet not in .env.example on purpose: the machine's or the tests' tooling, not a platform setting.
NOT_PLATFORM_SETTINGS = {
    "REDIS_SERVER_BINARY": "service_kit_testing (the Python suites' pytest plugin): the redis-server binary a test starts",
    "JAVA_HOME": "launcher/build.py: the JDK the launcher builds and runs the Java services with",
    "CHROMIUM_BINARY": "launcher/build.py: the browser the console's tests drive",
    "NO_COLOR": "launcher/console.py: the no-color.org convention for terminal output",
    "DEMO_GATEWAY_URL": "launcher/demo.py: which gateway `./platform demo` talks to, an option of that command",
    "PLATFORM_CREDENTIALS_FILE": "launcher/credential_scan.py: where a platform suite's tests record the credentials "
                                 "they used, for the log scan ./platform test runs after the suite",
    **{name: "platform_sandbox (the pytest plugin of sandbox/python): which running platform a test session attaches "
             "to instead of starting a sandbox, a test's choice, not the platform's setting"
       for name in ("PLATFORM_GATEWAY_URL", "PLATFORM_REDIS_URL", "PLATFORM_ADMIN_EMAIL", "PLATFORM_ADMIN_PASSWORD",
                    "PLATFORM_FAULTS_URL")},
    "PLATFORM_HOME": "platform_sandbox: where the platform's repository is, for a test project outside it",
}

ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
SPRING_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?=[:}])")
JAVA_ENVIRONMENT_READ = re.compile(
    r'(?:System\.getenv\(\)\.get(?:OrDefault)?\(|System\.getenv\(|\.getProperty\(|\w*[eE]nvironment\s*,)\s*"([A-Z][A-Z0-9_]*)"'
)
# Text blocks, comments, strings and char literals, in the order a Java lexer would tell them apart.
JAVA_TOKEN = re.compile(r'"""[\s\S]*?"""|//[^\n]*|/\*[\s\S]*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
CONFIGURATION_PROPERTIES = re.compile(r"@ConfigurationProperties\b")
PROPERTIES_RECORD = re.compile(
    r'@ConfigurationProperties\(\s*(?:(?:prefix|value)\s*=\s*)?"([^"]+)"\s*\)\s*(?:public\s+)?record\s+\w+\s*\(([^)]*)\)'
)
COMPOSE_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
ENVIRONMENT_NAMES = {"environ", "env"}  # os.environ, an `environ` parameter, self.environ, settings.env

Readers = dict[str, list[str]]  # variable -> where it is read ("path:line how")


def merge(*readers: Readers) -> Readers:
    merged: Readers = defaultdict(list)
    for reader in readers:
        for name, places in reader.items():
            merged[name] += places
    return dict(merged)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ---- Java


def java_code(text: str) -> str:
    """Java source with its comments blanked (newlines kept), so a comment never counts as a read."""
    return JAVA_TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()) if m.group().startswith("/") else m.group(), text)


def yaml_strings(path: Path) -> Iterator[tuple[str, str]]:
    """(dotted key, value) of every string value of a YAML file: placeholders live there, not in comments."""

    def walk(node: object, key: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for child_key, child in node.items():
                yield from walk(child, f"{key}.{child_key}" if key else str(child_key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from walk(child, f"{key}[{index}]")
        elif isinstance(node, str):
            yield key, node

    for document in yaml.safe_load_all(path.read_text()):
        yield from walk(document, "")


def java_readers(root: Path) -> Readers:
    """Placeholders and environment lookups in the Java modules' main resources and sources."""
    found: Readers = defaultdict(list)
    for path in sorted(root.glob("*/src/main/resources/**/*.y*ml")):
        for key, value in yaml_strings(path):
            for name in SPRING_PLACEHOLDER.findall(value):
                found[name].append(f"{path.relative_to(root)}: {key} (placeholder)")
    for path in sorted(root.glob("*/src/main/java/**/*.java")):
        code = java_code(path.read_text())
        for pattern, how in ((SPRING_PLACEHOLDER, "placeholder"), (JAVA_ENVIRONMENT_READ, "environment lookup")):
            for match in pattern.finditer(code):
                found[match.group(1)].append(f"{path.relative_to(root)}:{line_of(code, match.start())} ({how})")
    return dict(found)


def relaxed_binding_prefixes(root: Path) -> dict[str, str]:
    """Environment names a @ConfigurationProperties record binds without a placeholder, as prefixes: a variable
    equal to one, or under it (`_`: a nested record, a map key, a list index), is bound. -> where it is declared."""
    prefixes = {}
    for path in sorted(root.glob("*/src/main/java/**/*.java")):
        text = java_code(path.read_text())
        records = PROPERTIES_RECORD.findall(text)
        assert len(records) == len(CONFIGURATION_PROPERTIES.findall(text)), (
            f"{path}: a @ConfigurationProperties this scanner cannot read (it reads records); extend it"
        )
        for prefix, components in records:
            while re.search(r"<[^<>]*>", components):  # Map<String, Integer>: drop type arguments, then annotations
                components = re.sub(r"<[^<>]*>", "", components)
            components = re.sub(r"@\w+(?:\([^)]*\))?", "", components)
            base = prefix.replace("-", "").replace(".", "_").upper()
            for component in components.split(","):
                name = component.split()[-1]
                prefixes[f"{base}_{name.upper()}"] = f"{path.relative_to(root)} ({prefix}, relaxed binding)"
    return prefixes


def relaxed_binding_readers(root: Path, names: Iterable[str]) -> Readers:
    prefixes = relaxed_binding_prefixes(root)
    return {
        name: [where for prefix, where in prefixes.items() if name == prefix or name.startswith(prefix + "_")]
        for name in names
        if any(name == prefix or name.startswith(prefix + "_") for prefix in prefixes)
    }


# ---- Python


def literal_strings(node: ast.expr | None) -> list[str]:
    """The strings of a literal: "NAME", {field: "NAME", ...} (its values), ("NAME", ...)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Dict):
        return [s for value in node.values for s in literal_strings(value)]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in literal_strings(element)]
    return []


def is_environment(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id in ENVIRONMENT_NAMES) or (
        isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_NAMES
    )


def environment_keys(node: ast.AST) -> list[ast.expr]:
    """The expressions naming a variable that `node` reads from the environment."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and is_environment(node.value):
        return [node.slice]
    if not isinstance(node, ast.Call):
        return []
    function = node.func
    if isinstance(function, ast.Attribute) and function.attr == "get" and is_environment(function.value):
        return node.args[:1]
    if (isinstance(function, ast.Attribute) and function.attr == "getenv") or (
        isinstance(function, ast.Name) and function.id == "getenv"
    ):
        return node.args[:1]
    helper_arguments = [name for before, name in itertools.pairwise(node.args) if is_environment(before)]
    return helper_arguments + [k.value for k in node.keywords if k.arg and k.arg.endswith("_env")]


def python_source_reads(source: str) -> dict[str, list[int]]:
    """Variable -> lines, for a module that reads the environment itself."""
    tree = ast.parse(source)
    constants = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            constants[target.id] = literal_strings(value)
    # `for variable in NAMES`, `... in NAMES.values()`, `for field, variable in NAMES.items()` (comprehensions too)
    names_of: dict[str, list[str]] = defaultdict(list, constants)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.For, ast.comprehension)):
            continue
        iterated, method = node.iter, None
        if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute):
            iterated, method = iterated.func.value, iterated.func.attr
        if not (isinstance(iterated, ast.Name) and iterated.id in constants):
            continue
        target = node.target
        if method == "items" and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            target = target.elts[1]
        elif method not in (None, "values"):
            continue
        if isinstance(target, ast.Name):
            names_of[target.id] += constants[iterated.id]
    reads: dict[str, list[int]] = defaultdict(list)
    for node in ast.walk(tree):
        for key in environment_keys(node):
            names = literal_strings(key) if isinstance(key, ast.Constant) else names_of.get(getattr(key, "id", ""), [])
            for name in names:
                if ENV_NAME.fullmatch(name):
                    reads[name].append(node.lineno)
    return dict(reads)


def python_source_readers(root: Path, folders: Iterable[Path]) -> Readers:
    found: Readers = defaultdict(list)
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if "tests" in path.relative_to(folder).parts:  # what ships, not its tests
                continue
            for name, lines in python_source_reads(path.read_text()).items():
                found[name] += [f"{path.relative_to(root)}:{line}" for line in lines]
    return dict(found)


def service_packages() -> list[str]:
    """service_kit and the import packages of the launcher's Python parts (inference_bridge, reporting_bridge)."""
    return sorted({"service_kit", *(part.module.split(".")[0] for part in SERVICES if part.kind == "python")})


TEST_SUPPORT_PACKAGE = "service_kit_testing"
# The platform as a pytest fixture (sandbox/python): test tooling too, scanned the same way.
SANDBOX_PLUGIN_PACKAGE = "platform_sandbox"


def settings_classes(packages: Iterable[str]) -> list[type[BaseSettings]]:
    """Every BaseSettings subclass that the packages' modules define (each module is imported)."""
    packages = set(packages)
    for package in packages:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            importlib.import_module(info.name)

    def subclasses(cls: type) -> Iterator[type]:
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    return [cls for cls in subclasses(BaseSettings) if cls.__module__.split(".")[0] in packages]


def settings_variables(cls: type[BaseSettings]) -> dict[str, str]:
    """The environment names pydantic-settings reads for each field of `cls` -> the field."""
    config = cls.model_config
    prefix = config.get("env_prefix", "")
    by_name = config.get("populate_by_name", False) or config.get("validate_by_name", False)
    variables = {}
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names = [choice if isinstance(choice, str) else str(choice.path[0]) for choice in alias.choices]
        elif isinstance(alias, AliasPath):
            names = [str(alias.path[0])]
        else:
            names = [alias] if alias else []
        if not names or by_name:  # an alias replaces the prefixed field name, unless fields populate by name too
            names.append(prefix + field_name)
        for name in names:
            variables[name if config.get("case_sensitive", False) else name.upper()] = field_name
    return variables


def settings_class_readers(root: Path, classes: Iterable[type[BaseSettings]]) -> Readers:
    found: Readers = defaultdict(list)
    for cls in classes:
        module = Path(importlib.import_module(cls.__module__).__file__).resolve()
        where = module.relative_to(root) if module.is_relative_to(root) else module
        for name, field_name in settings_variables(cls).items():
            found[name].append(f"{where} ({cls.__name__}.{field_name}, pydantic-settings)")
    return dict(found)


def package_folder(package: str) -> Path:
    return Path(importlib.import_module(package).__file__).resolve().parent


# ---- the launcher and compose


def launcher_readers(root: Path) -> Readers:
    ports = {part.port_var: [f"launcher/config.py ({part.name}'s port, PARTS)"] for part in PARTS}
    return merge(python_source_readers(root, [root / "launcher"]), ports)


def compose_readers(root: Path) -> Readers:
    found: Readers = defaultdict(list)
    for key, value in yaml_strings(root / "compose.yaml"):
        for name in COMPOSE_INTERPOLATION.findall(value):
            found[name].append(f"compose.yaml: {key} (interpolation)")
    return dict(found)


@pytest.fixture(scope="module")
def listed(repo_root: Path) -> set[str]:
    return set(read_env_file(repo_root / ".env.example"))


@pytest.fixture(scope="module")
def readers(repo_root: Path, listed: set[str]) -> Readers:
    packages = service_packages()
    return merge(
        java_readers(repo_root),
        relaxed_binding_readers(repo_root, listed),
        python_source_readers(repo_root, [package_folder(p) for p in [*packages, TEST_SUPPORT_PACKAGE,
                                                                       SANDBOX_PLUGIN_PACKAGE]]),
        settings_class_readers(repo_root, settings_classes(packages)),
        launcher_readers(repo_root),
        compose_readers(repo_root),
    )


def test_every_listed_variable_is_read_somewhere(listed: set[str], readers: Readers) -> None:
    unread = sorted(listed - readers.keys())
    assert unread == [], "listed in .env.example, read by no service, launcher or compose.yaml: remove or read them"


def test_every_variable_read_is_listed(listed: set[str], readers: Readers) -> None:
    unlisted = {
        name: places for name, places in sorted(readers.items()) if name not in listed | NOT_PLATFORM_SETTINGS.keys()
    }
    assert unlisted == {}, "read, but not in .env.example: list them (with their default), or stop reading them"


def test_every_exception_is_still_needed(listed: set[str], readers: Readers) -> None:
    for name, reason in NOT_PLATFORM_SETTINGS.items():
        assert name in readers, f"{name} is read nowhere any more: drop it from NOT_PLATFORM_SETTINGS ({reason})"
        assert name not in listed, f"{name} is listed in .env.example: drop it from NOT_PLATFORM_SETTINGS"


# ---- the scanners find what they are meant to find


def test_the_java_scan_finds_placeholders_lookups_and_relaxed_binding(tmp_path: Path) -> None:
    resources = tmp_path / "svc" / "src" / "main" / "resources"
    java = tmp_path / "svc" / "src" / "main" / "java" / "demo"
    resources.mkdir(parents=True)
    java.mkdir(parents=True)
    (resources / "application.yaml").write_text(
        "server:\n  port: ${DEMO_PORT:8080}\n  name: ${spring.application.name}\n"
        "  url: ${DEMO_URL:http://localhost:${DEMO_UPSTREAM_PORT:80}}\n"
        "  # a comment is not a read: ${DEMO_IN_A_COMMENT}\n"
    )
    (java / "Demo.java").write_text(textwrap.dedent('''\
        /** Not read: System.getenv("DEMO_IN_A_COMMENT"). */
        class Demo {
            // Nor this: ${DEMO_IN_A_COMMENT:-}
            static final String SCRIPT = """
                return "//" .. ARGV[1]
                """;
            Demo(@Value("${DEMO_SECRET:}") String secret, Environment environment) {
                System.getenv("DEMO_HOME");
                environment.getProperty("DEMO_MODE", "text");
                environment.getProperty("spring.jackson.property-naming-strategy");
                duration(environment, "DEMO_TTL");
            }
        }
        @ConfigurationProperties("demo.events")
        public record DemoProperties(@Nullable Map<String, Integer> retention, int batchSize, Consumer consumer) {}
        '''))
    assert sorted(java_readers(tmp_path)) == [
        "DEMO_HOME", "DEMO_MODE", "DEMO_PORT", "DEMO_SECRET", "DEMO_TTL", "DEMO_UPSTREAM_PORT", "DEMO_URL"
    ]
    bound = relaxed_binding_readers(tmp_path, [
        "DEMO_EVENTS_BATCHSIZE", "DEMO_EVENTS_RETENTION_JOBS", "DEMO_EVENTS_CONSUMER_BLOCK", "DEMO_EVENTS_BATCH_SIZE"
    ])
    assert sorted(bound) == ["DEMO_EVENTS_BATCHSIZE", "DEMO_EVENTS_CONSUMER_BLOCK", "DEMO_EVENTS_RETENTION_JOBS"]


def test_the_java_scan_refuses_a_properties_class_it_cannot_read(tmp_path: Path) -> None:
    java = tmp_path / "svc" / "src" / "main" / "java"
    java.mkdir(parents=True)
    (java / "Demo.java").write_text('@ConfigurationProperties("demo")\npublic class Demo { private int size; }\n')
    with pytest.raises(AssertionError, match="cannot read"):
        relaxed_binding_prefixes(tmp_path)


def test_the_python_source_scan_finds_every_way_of_reading_the_environment() -> None:
    source = textwrap.dedent("""\
        import os
        URL_VARIABLE = "DEMO_URL"
        VARIABLES = {"size": "DEMO_SIZE", "block": "DEMO_BLOCK"}
        PORTS = ("DEMO_PORT",)

        def settings(environ=os.environ):
            a = os.environ["DEMO_HOME"]
            b = environ.get("DEMO_MODE", "text")
            c = os.getenv("DEMO_TOKEN")
            d = environ.get(URL_VARIABLE)
            e = int_setting(environ, "DEMO_ROWS", 10)
            f = {name: environ[variable] for name, variable in VARIABLES.items() if environ.get(variable)}
            g = [environ.get(port) for port in PORTS]
            run("demo.app:app", port_env="DEMO_SERVICE_PORT")
            os.environ["DEMO_WRITTEN"] = "set, not read"
            h = environ.get("lower_case_is_no_variable")
        """)
    assert sorted(python_source_reads(source)) == [
        "DEMO_BLOCK", "DEMO_HOME", "DEMO_MODE", "DEMO_PORT", "DEMO_ROWS", "DEMO_SERVICE_PORT", "DEMO_SIZE",
        "DEMO_TOKEN", "DEMO_URL",
    ]


class DemoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")

    batch_size: int = 1
    url: str = Field("default", validation_alias=AliasChoices("DEMO_URL_OVERRIDE", "LEGACY_URL"))
    home: str = Field("default", validation_alias="DEMO_HOME_DIR")


def test_settings_variables_are_the_names_pydantic_settings_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    variables = settings_variables(DemoSettings)
    assert variables == {"DEMO_BATCH_SIZE": "batch_size", "DEMO_URL_OVERRIDE": "url", "LEGACY_URL": "url",
                         "DEMO_HOME_DIR": "home"}
    # The library itself agrees: each name computed here really sets its field.
    for name, field_name in variables.items():
        value = "7" if field_name == "batch_size" else f"from {name}"
        with monkeypatch.context() as environment:
            environment.setenv(name, value)
            assert str(getattr(DemoSettings(), field_name)) == value, name


def test_settings_classes_are_found_by_importing_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "demo_settings_package"
    (package / "nested").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "nested" / "__init__.py").write_text("")
    (package / "nested" / "config.py").write_text(textwrap.dedent("""\
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class JobSettings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="DEMO_JOB_")
            chunk_rows: int = 2000
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    (found,) = settings_classes(["demo_settings_package"])
    assert found.__name__ == "JobSettings"
    assert settings_class_readers(tmp_path, [found]) == {
        "DEMO_JOB_CHUNK_ROWS": ["demo_settings_package/nested/config.py (JobSettings.chunk_rows, pydantic-settings)"]
    }
