"""Generate the platform's named constants from contracts/ in Python, Java and TypeScript (run by ./platform generate).

Usage: python contracts/scripts/generate_catalog.py <types dir>   (e.g. contracts/types)

The model generators (datamodel-code-generator, jsonschema2pojo, json-schema-to-typescript) turn schemas into
types; none of them turns an AsyncAPI document's channels, or a list of problem types, into constants. This
script does, for the three languages at once, so that no service spells a stream, a consumer group, an event
type, a WebSocket close code or a problem type as a string literal of its own (docs/decisions/0001):

  from contracts/asyncapi/platform.asyncapi.yaml:
    streams           Stream names, their dead-letter streams and retention, the consumer groups of each
    event types       type -> stream, payload type (the generated model), dataschema
    websocket         the WebSocket path and its close codes
    redis keys        the prefix of every Redis key more than one component reads (x-redis-keys)
  from contracts/problems/problem-types.yaml:
    problem types     name -> status, title, description; the type a status gets by default

Writes (deterministic: no timestamps, document order):
  python/src/contract_types/{streams,event_types,problems,websocket_protocol,redis_keys}.py
  typescript/src/{streams,problems,websocket_protocol,redis_keys}.ts
  java/src/main/java/dev/polyglot/contracts/{Streams,ConsumerGroups,EventTypes,EventType,ProblemType,CloseCode,
                                             RedisKeys}.java
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

import yaml

CONTRACTS = Path(__file__).resolve().parent.parent
ASYNCAPI = CONTRACTS / "asyncapi" / "platform.asyncapi.yaml"
PROBLEM_TYPES = CONTRACTS / "problems" / "problem-types.yaml"
JAVA_PACKAGE = "dev.polyglot.contracts"
PROBLEM_BASE = "/problems/"


@dataclass(frozen=True)
class StreamSpec:
    address: str
    retention: int
    dead_letter: str
    dead_letter_retention: int
    groups: tuple[tuple[str, str, tuple[str, ...]], ...]  # (group, service, handled types)


@dataclass(frozen=True)
class EventSpec:
    type: str
    title: str  # the payload model's class name in every language
    stream: str
    dataschema: str
    published_by: str
    summary: str


@dataclass(frozen=True)
class ProblemSpec:
    name: str
    status: int
    title: str
    for_status: bool
    description: str


@dataclass(frozen=True)
class RedisKeySpec:
    name: str
    key: str  # with a <placeholder> for the variable part
    owner: str

    @property
    def prefix(self) -> str:
        return self.key.split("<", 1)[0]


@dataclass(frozen=True)
class CloseCodeSpec:
    code: int
    reason: str
    reconnect: str


def constant(name: str) -> str:
    """platform.events -> PLATFORM_EVENTS, inference-worker -> INFERENCE_WORKER, user.role_changed -> USER_ROLE_CHANGED."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).upper()


def _resolve(document: dict, ref: str) -> dict:
    target, fragment = urldefrag(ref)
    assert not target, f"only local references here: {ref}"
    node = document
    for token in fragment.strip("/").split("/"):
        node = node[token]
    return node


def read_redis_keys() -> list[RedisKeySpec]:
    document = yaml.safe_load(ASYNCAPI.read_text())
    keys = [RedisKeySpec(entry["name"], entry["key"], entry["owner"])
            for channel in document["channels"].values() for entry in channel.get("x-redis-keys", [])]
    for key in keys:
        if not re.fullmatch(r"[a-z0-9:_-]+<[a-z_]+>", key.key):
            raise SystemExit(f"{ASYNCAPI}: x-redis-keys {key.name}: key {key.key!r} is not '<prefix><placeholder>'")
    return keys


def read_asyncapi() -> tuple[list[StreamSpec], list[EventSpec], str, list[CloseCodeSpec]]:
    document = yaml.safe_load(ASYNCAPI.read_text())
    channels = document["channels"]
    by_address = {channel["address"]: channel for channel in channels.values()}
    streams: list[StreamSpec] = []
    events: list[EventSpec] = []
    websocket_path = ""
    close_codes: list[CloseCodeSpec] = []
    for channel in channels.values():
        redis = channel.get("x-redis-stream")
        if redis is None:
            websocket_path = channel["address"]
            close_codes = [CloseCodeSpec(c["code"], c["reason"], str(c["reconnect"])) for c in channel["x-close-codes"]]
            continue
        if "dead_letter_stream" not in redis:
            continue  # a dead-letter stream: described with the stream it serves
        dead_letter = by_address[redis["dead_letter_stream"]]["x-redis-stream"]
        streams.append(StreamSpec(
            address=channel["address"], retention=redis["retention_entries"], dead_letter=redis["dead_letter_stream"],
            dead_letter_retention=dead_letter["retention_entries"],
            groups=tuple((g["group"], g["service"], tuple(g["handles"])) for g in redis["consumer_groups"])))
        for reference in channel["messages"].values():
            message = _resolve(document, reference["$ref"])
            event_type = message["x-cloudevent-type"]
            events.append(EventSpec(
                type=event_type, title=message["title"], stream=channel["address"],
                dataschema=message["payload"]["allOf"][1]["properties"]["dataschema"]["const"],
                published_by=message["x-published-by"], summary=message["summary"]))
    return streams, events, websocket_path, close_codes


def read_problem_types() -> list[ProblemSpec]:
    catalogue = yaml.safe_load(PROBLEM_TYPES.read_text())
    problems = [ProblemSpec(name, entry["status"], entry["title"], bool(entry.get("for_status")),
                            " ".join(entry["description"].split())) for name, entry in catalogue.items()]
    defaults = [p.status for p in problems if p.for_status]
    duplicates = {status for status in defaults if defaults.count(status) > 1}
    if duplicates:
        raise SystemExit(f"{PROBLEM_TYPES}: more than one for_status type for {sorted(duplicates)}")
    for fallback in ("bad-request", "internal-error"):
        if not any(p.name == fallback for p in problems):
            raise SystemExit(f"{PROBLEM_TYPES}: the fallback type {fallback} is missing")
    return problems


def groups_of(streams: list[StreamSpec]) -> list[tuple[str, str, str]]:
    """(group, stream, service) in document order."""
    return [(group, stream.address, service) for stream in streams for group, service, _ in stream.groups]


# -- Python ------------------------------------------------------------------------------------------------

PY_HEADER = "# Generated by ./platform generate from contracts/{source}. Do not edit.\n"


def py_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def python_streams(streams: list[StreamSpec]) -> str:
    lines = [PY_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             '"""The Redis streams of the platform, their dead-letter streams, retention and consumer groups."""', "",
             "from __future__ import annotations", "", "from enum import StrEnum", "", "",
             "class Stream(StrEnum):", '    """A stream the services publish to and consume from."""', ""]
    lines += [f"    {constant(s.address)} = {py_str(s.address)}" for s in streams]
    lines += ["", "", "class ConsumerGroup(StrEnum):", '    """A consumer group: each gets every entry of its stream once."""', ""]
    lines += [f"    {constant(group)} = {py_str(group)}  # {service}, on {stream}" for group, stream, service in groups_of(streams)]
    lines += ["", "", "# Each stream's dead-letter stream (`<stream>.dlq`)."]
    lines += ["DEAD_LETTER_STREAMS: dict[str, str] = {"]
    lines += [f"    Stream.{constant(s.address)}: {py_str(s.dead_letter)}," for s in streams]
    lines += ["}", "", "# Approximate retention (XADD MAXLEN ~ n) of every stream, dead-letter streams included."]
    lines += ["RETENTION: dict[str, int] = {"]
    for s in streams:
        lines += [f"    {py_str(s.address)}: {s.retention},", f"    {py_str(s.dead_letter)}: {s.dead_letter_retention},"]
    lines += ["}", ""]
    return "\n".join(lines)


def python_event_types(events: list[EventSpec]) -> str:
    lines = [PY_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             '"""Every event type of the platform: its stream, its payload model (contract_types.events) and dataschema.',
             "",
             "Publish with the payload model (the type and the stream follow from it); look a received event up by",
             '`EVENT_TYPES[event.type]`."""', "",
             "from __future__ import annotations", "", "from dataclasses import dataclass",
             "from typing import Generic, TypeVar", "", "from pydantic import BaseModel", "",
             "from contract_types.events import (", *(f"    {title}," for title in sorted(e.title for e in events)), ")",
             "from contract_types.streams import Stream", "",
             'Payload = TypeVar("Payload", bound=BaseModel)', "", "",
             "@dataclass(frozen=True)",
             "class EventType(Generic[Payload]):",
             '    """An event type: the CloudEvent `type`, the stream it is published to, its `data` model and `dataschema`."""',
             "",
             "    type: str",
             "    stream: Stream",
             "    payload: type[Payload]",
             "    dataschema: str",
             "    published_by: str",
             "", ""]
    for e in events:
        lines.append(f"{constant(e.type)} = EventType({py_str(e.type)}, Stream.{constant(e.stream)}, {e.title}, "
                     f"{py_str(e.dataschema)}, {py_str(e.published_by)})")
    lines += ["", "EVENT_TYPES: dict[str, EventType[BaseModel]] = {"]
    lines += [f"    {constant(e.type)}.type: {constant(e.type)}," for e in events]
    lines += ["}", "", "EVENT_TYPE_OF_PAYLOAD: dict[type[BaseModel], EventType[BaseModel]] = {"]
    lines += [f"    {e.title}: {constant(e.type)}," for e in events]
    lines += ["}", ""]
    return "\n".join(lines)


def python_problems(problems: list[ProblemSpec]) -> str:
    lines = [PY_HEADER.format(source="problems/problem-types.yaml"),
             '"""The RFC 9457 problem types of the platform: `type` is `/problems/<name>`, with a fixed status and title."""',
             "", "from __future__ import annotations", "", "from enum import StrEnum", "", "",
             f"PROBLEM_TYPE_BASE = {py_str(PROBLEM_BASE)}", "", "",
             "class ProblemType(StrEnum):",
             '    """A problem type; its value is the `type` URI reference (`/problems/<name>`)."""', ""]
    lines += [f"    {constant(p.name)} = {py_str(PROBLEM_BASE + p.name)}" for p in problems]
    lines += ["", "    @property", "    def status(self) -> int:", "        return _STATUS[self]", "",
              "    @property", "    def title(self) -> str:", "        return _TITLE[self]", "",
              "    @property", "    def description(self) -> str:", "        return _DESCRIPTION[self]", "",
              "    @classmethod", "    def for_status(cls, status: int) -> ProblemType:",
              '        """The type answered for `status` when there is nothing more specific to say."""',
              "        return _FOR_STATUS.get(status, cls.INTERNAL_ERROR if status >= 500 else cls.BAD_REQUEST)",
              "", ""]
    lines += ["_STATUS = {"] + [f"    ProblemType.{constant(p.name)}: {p.status}," for p in problems] + ["}", ""]
    lines += ["_TITLE = {"] + [f"    ProblemType.{constant(p.name)}: {py_str(p.title)}," for p in problems] + ["}", ""]
    lines += ["_DESCRIPTION = {"]
    lines += [f"    ProblemType.{constant(p.name)}: {py_str(p.description)}," for p in problems] + ["}", ""]
    lines += ["_FOR_STATUS = {"]
    lines += [f"    {p.status}: ProblemType.{constant(p.name)}," for p in problems if p.for_status] + ["}", ""]
    return "\n".join(lines)


def python_websocket(path: str, close_codes: list[CloseCodeSpec]) -> str:
    lines = [PY_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             '"""The live notifications WebSocket: its path and close codes (the frames are contract_types.websocket)."""',
             "", "from __future__ import annotations", "", "from enum import IntEnum", "",
             f"NOTIFICATIONS_PATH = {py_str(path)}", "", "",
             "class CloseCode(IntEnum):"]
    for c in close_codes:
        lines += [f"    {constant(_close_code_name(c))} = {c.code}  # {c.reason}"]
    lines += [""]
    return "\n".join(lines)


def _close_code_name(code: CloseCodeSpec) -> str:
    """A name from the reason's first words: 'normal closure (client or server)' -> normal_closure."""
    head = re.split(r"[(:;,]", code.reason)[0].strip()
    return re.sub(r"[^a-z0-9]+", "_", head.lower()).strip("_")


def python_redis_keys(keys: list[RedisKeySpec]) -> str:
    lines = [PY_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             '"""The prefixes of the Redis keys more than one component reads (x-redis-keys): key = prefix + the variable part."""',
             "", "from __future__ import annotations", ""]
    for k in keys:
        lines += [f"# {k.key}, owned by {k.owner} (readers: x-redis-keys)", f"{constant(k.name)}_PREFIX = {py_str(k.prefix)}",
                  ""]
    return "\n".join(lines)


# -- TypeScript --------------------------------------------------------------------------------------------

TS_HEADER = "// Generated by ./platform generate from contracts/{source}. Do not edit.\n"


def typescript_streams(streams: list[StreamSpec], events: list[EventSpec]) -> str:
    lines = [TS_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             "/** The Redis streams of the platform. */", "export const Stream = {"]
    lines += [f"  {constant(s.address)}: {py_str(s.address)}," for s in streams]
    lines += ["} as const;", "export type Stream = (typeof Stream)[keyof typeof Stream];", "",
              "/** The stream each event type is published to. */", "export const EVENT_STREAM = {"]
    lines += [f"  {py_str(e.type)}: Stream.{constant(e.stream)}," for e in events]
    lines += ["} as const;", ""]
    return "\n".join(lines)


def typescript_problems(problems: list[ProblemSpec]) -> str:
    lines = [TS_HEADER.format(source="problems/problem-types.yaml"),
             "/** The RFC 9457 problem types of the platform (`type` = `/problems/<name>`). */",
             "export const ProblemType = {"]
    lines += [f"  {constant(p.name)}: {py_str(PROBLEM_BASE + p.name)}," for p in problems]
    lines += ["} as const;", "export type ProblemType = (typeof ProblemType)[keyof typeof ProblemType];", ""]
    return "\n".join(lines)


def typescript_websocket(path: str, close_codes: list[CloseCodeSpec]) -> str:
    lines = [TS_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             f"export const NOTIFICATIONS_PATH = {py_str(path)};", "",
             "/** The close codes of the live notifications WebSocket. */", "export const CloseCode = {"]
    lines += [f"  /** {c.reason}; reconnect: {c.reconnect} */\n  {constant(_close_code_name(c))}: {c.code},"
              for c in close_codes]
    lines += ["} as const;", "export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];", ""]
    return "\n".join(lines)


def typescript_redis_keys(keys: list[RedisKeySpec]) -> str:
    lines = [TS_HEADER.format(source="asyncapi/platform.asyncapi.yaml"),
             "// The prefixes of the Redis keys more than one component reads (x-redis-keys).", ""]
    for k in keys:
        lines += [f"/** {k.key}, owned by {k.owner} (readers: x-redis-keys). */",
                  f"export const {constant(k.name)}_PREFIX = {py_str(k.prefix)};"]
    lines += [""]
    return "\n".join(lines)


# -- Java --------------------------------------------------------------------------------------------------

JAVA_HEADER = "// Generated by ./platform generate from contracts/{source}. Do not edit.\n"


def java_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def java_streams(streams: list[StreamSpec]) -> str:
    lines = [JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
             "import java.util.Map;", "",
             "/** The Redis streams of the platform, their dead-letter streams and retention (XADD MAXLEN ~ n). */",
             "public final class Streams {", ""]
    for s in streams:
        lines += [f"    public static final String {constant(s.address)} = {java_str(s.address)};",
                  f"    public static final String {constant(s.dead_letter)} = {java_str(s.dead_letter)};"]
    lines += ["", "    /** Approximate retention of every stream, dead-letter streams included. */",
              "    public static final Map<String, Integer> RETENTION = Map.of("]
    entries = []
    for s in streams:
        entries += [f"            {constant(s.address)}, {s.retention}",
                    f"            {constant(s.dead_letter)}, {s.dead_letter_retention}"]
    lines += [",\n".join(entries) + ");", "",
              "    /** Each stream's dead-letter stream. */",
              "    public static final Map<String, String> DEAD_LETTER = Map.of("]
    lines += [",\n".join(f"            {constant(s.address)}, {constant(s.dead_letter)}" for s in streams) + ");", ""]
    lines += ["    private Streams() {", "    }", "}", ""]
    return "\n".join(lines)


def java_consumer_groups(streams: list[StreamSpec]) -> str:
    lines = [JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
             "/** The consumer groups of the platform's streams: each gets every entry of its stream once. */",
             "public final class ConsumerGroups {", ""]
    for group, stream, service in groups_of(streams):
        lines += [f"    /** {service}, on {stream}. */",
                  f"    public static final String {constant(group)} = {java_str(group)};", ""]
    lines += ["    private ConsumerGroups() {", "    }", "}", ""]
    return "\n".join(lines)


def java_event_type() -> str:
    return "\n".join([
        JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
        "/**",
        " * An event type of the platform: the CloudEvent {@code type}, the stream it is published to, the class of its",
        " * {@code data} (generated from contracts/events/schemas) and its {@code dataschema}. The constants are in",
        " * {@link EventTypes}.",
        " */",
        "public record EventType<T>(String type, String stream, Class<T> payloadClass, String dataschema,",
        "                           String publishedBy) {",
        "}", ""])


def java_event_types(events: list[EventSpec]) -> str:
    lines = [JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
             *sorted(f"import {JAVA_PACKAGE}.events.{e.title};" for e in events),
             "import java.util.List;", "import java.util.Map;", "import java.util.Optional;",
             "import java.util.function.Function;", "import java.util.stream.Collectors;", "",
             "/** Every event type of the platform; publish a payload object and its type and stream follow from it. */",
             "public final class EventTypes {", ""]
    for e in events:
        lines += [f"    /** {e.summary} */",
                  f"    public static final EventType<{e.title}> {constant(e.type)} = new EventType<>({java_str(e.type)},",
                  f"            Streams.{constant(e.stream)}, {e.title}.class, {java_str(e.dataschema)}, {java_str(e.published_by)});",
                  ""]
    lines += ["    public static final List<EventType<?>> ALL = List.of(" + ", ".join(constant(e.type) for e in events) + ");",
              "",
              "    private static final Map<String, EventType<?>> BY_TYPE = ALL.stream()",
              "            .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));",
              "    private static final Map<Class<?>, EventType<?>> BY_PAYLOAD_CLASS = ALL.stream()",
              "            .collect(Collectors.toUnmodifiableMap(EventType::payloadClass, Function.identity()));", "",
              "    /** The event type named {@code type} (a CloudEvent's {@code type} attribute). */",
              "    public static Optional<EventType<?>> byType(String type) {",
              "        return Optional.ofNullable(BY_TYPE.get(type));", "    }", "",
              "    /** The event type whose payload is {@code payloadClass}; every generated payload class has one. */",
              "    @SuppressWarnings(\"unchecked\")",
              "    public static <T> EventType<T> of(Class<T> payloadClass) {",
              "        EventType<?> type = BY_PAYLOAD_CLASS.get(payloadClass);",
              "        if (type == null) {",
              "            throw new IllegalArgumentException(payloadClass.getName() + \" is not an event payload of the contracts\");",
              "        }",
              "        return (EventType<T>) type;", "    }", "",
              "    private EventTypes() {", "    }", "}", ""]
    return "\n".join(lines)


def java_problem_type(problems: list[ProblemSpec]) -> str:
    lines = [JAVA_HEADER.format(source="problems/problem-types.yaml"), f"package {JAVA_PACKAGE};", "",
             "import java.net.URI;", "import java.util.Arrays;", "import java.util.Map;", "import java.util.Optional;",
             "import java.util.function.Function;", "import java.util.stream.Collectors;", "",
             "/** The RFC 9457 problem types of the platform: {@code type} is {@code /problems/<name>}, with a fixed status and title. */",
             "public enum ProblemType {", ""]
    body = []
    for p in problems:
        body.append(f"    /** {p.description} */\n"
                    f"    {constant(p.name)}({java_str(p.name)}, {p.status}, {java_str(p.title)}, {str(p.for_status).lower()},\n"
                    f"            {java_str(p.description)})")
    lines += [",\n\n".join(body) + ";", "",
              f"    public static final String BASE = {java_str(PROBLEM_BASE)};", "",
              "    private static final Map<Integer, ProblemType> FOR_STATUS = Arrays.stream(values())",
              "            .filter(type -> type.forStatus)",
              "            .collect(Collectors.toUnmodifiableMap(ProblemType::status, Function.identity()));",
              "    private static final Map<String, ProblemType> BY_NAME = Arrays.stream(values())",
              "            .collect(Collectors.toUnmodifiableMap(ProblemType::typeName, Function.identity()));", "",
              "    private final String name;", "    private final int status;", "    private final String title;",
              "    private final boolean forStatus;", "    private final String description;", "    private final URI uri;", "",
              "    ProblemType(String name, int status, String title, boolean forStatus, String description) {",
              "        this.name = name;", "        this.status = status;", "        this.title = title;",
              "        this.forStatus = forStatus;", "        this.description = description;",
              "        this.uri = URI.create(BASE + name);", "    }", "",
              "    /** The type answered for {@code status} when there is nothing more specific to say. */",
              "    public static ProblemType forStatus(int status) {",
              "        return FOR_STATUS.getOrDefault(status, status >= 500 ? INTERNAL_ERROR : BAD_REQUEST);", "    }", "",
              "    /** The type called {@code name} (the last segment of its URI). */",
              "    public static Optional<ProblemType> byName(String name) {",
              "        return Optional.ofNullable(BY_NAME.get(name));", "    }", "",
              "    /** The {@code type} member: {@code /problems/<name>}. */",
              "    public URI uri() {", "        return uri;", "    }", "",
              "    public String typeName() {", "        return name;", "    }", "",
              "    public int status() {", "        return status;", "    }", "",
              "    public String title() {", "        return title;", "    }", "",
              "    public String description() {", "        return description;", "    }", "}", ""]
    return "\n".join(lines)


def java_close_code(path: str, close_codes: list[CloseCodeSpec]) -> str:
    lines = [JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
             f"/** The close codes of the live notifications WebSocket ({path}). */",
             "public enum CloseCode {", ""]
    body = [f"    /** {c.reason}; reconnect: {c.reconnect} */\n    {constant(_close_code_name(c))}({c.code})"
            for c in close_codes]
    lines += [",\n\n".join(body) + ";", "",
              f"    public static final String NOTIFICATIONS_PATH = {java_str(path)};", "",
              "    private final int code;", "",
              "    CloseCode(int code) {", "        this.code = code;", "    }", "",
              "    public int code() {", "        return code;", "    }", "}", ""]
    return "\n".join(lines)


def java_redis_keys(keys: list[RedisKeySpec]) -> str:
    lines = [JAVA_HEADER.format(source="asyncapi/platform.asyncapi.yaml"), f"package {JAVA_PACKAGE};", "",
             "/**",
             " * The prefixes of the Redis keys more than one component reads (the AsyncAPI document's x-redis-keys): a key is",
             " * the prefix followed by its variable part.",
             " */",
             "public final class RedisKeys {", ""]
    for k in keys:
        lines += [f"    /** {{@code {k.key}}}, owned by {k.owner} (readers: x-redis-keys). */",
                  f"    public static final String {constant(k.name)}_PREFIX = {java_str(k.prefix)};", ""]
    lines += ["    private RedisKeys() {", "    }", "}", ""]
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------------------

def generate(types_dir: Path) -> None:
    streams, events, websocket_path, close_codes = read_asyncapi()
    problems = read_problem_types()
    redis_keys = read_redis_keys()
    python = types_dir / "python" / "src" / "contract_types"
    typescript = types_dir / "typescript" / "src"
    java = types_dir / "java" / "src" / "main" / "java" / Path(*JAVA_PACKAGE.split("."))
    shutil.rmtree(java, ignore_errors=True)  # only constants live there: a renamed one leaves nothing behind
    for folder in (python, typescript, java):
        folder.mkdir(parents=True, exist_ok=True)
    outputs = {
        python / "streams.py": python_streams(streams),
        python / "event_types.py": python_event_types(events),
        python / "problems.py": python_problems(problems),
        python / "websocket_protocol.py": python_websocket(websocket_path, close_codes),
        python / "redis_keys.py": python_redis_keys(redis_keys),
        typescript / "streams.ts": typescript_streams(streams, events),
        typescript / "problems.ts": typescript_problems(problems),
        typescript / "websocket_protocol.ts": typescript_websocket(websocket_path, close_codes),
        typescript / "redis_keys.ts": typescript_redis_keys(redis_keys),
        java / "Streams.java": java_streams(streams),
        java / "ConsumerGroups.java": java_consumer_groups(streams),
        java / "EventType.java": java_event_type(),
        java / "EventTypes.java": java_event_types(events),
        java / "ProblemType.java": java_problem_type(problems),
        java / "CloseCode.java": java_close_code(websocket_path, close_codes),
        java / "RedisKeys.java": java_redis_keys(redis_keys),
    }
    for path, text in outputs.items():
        path.write_text(text)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    generate(Path(sys.argv[1]).resolve())
