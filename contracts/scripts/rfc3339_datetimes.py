"""A datamodel-code-generator custom formatter (`--custom-formatters rfc3339_datetimes`): every `format: date-time`
field of a generated model is `contract_types.formats.DateTime` instead of pydantic's `AwareDatetime`.

pydantic reads a date-time more loosely than the format the contracts state (RFC 3339 text with an offset): it
also takes a number or a numeric string (seconds since 1970), an offset without its colon (`+0600`) and a time
without seconds. A client sending those would get an answer the contract says it cannot get; `DateTime` refuses
them (generate_python.py writes it, with the models).
"""

from __future__ import annotations

import re

from datamodel_code_generator.format import CustomCodeFormatter

_PYDANTIC_IMPORT = re.compile(r"^from pydantic import (?P<names>.+)$", re.MULTILINE)


class CodeFormatter(CustomCodeFormatter):
    def apply(self, code: str) -> str:
        match = _PYDANTIC_IMPORT.search(code)
        if match is None or "AwareDatetime" not in match["names"].split(", "):
            return code
        names = [name for name in match["names"].split(", ") if name != "AwareDatetime"]
        imports = f"from pydantic import {', '.join(names)}\n\nfrom contract_types.formats import DateTime"
        body = re.sub(r"\bAwareDatetime\b", "DateTime", code[match.end():])
        return code[:match.start()] + imports + body
