"""The chaos suite's one test: the platform keeps its promises under load while parts fail (chaos/README.md)."""

import json

from chaos.run import Config, run


def test_the_platform_keeps_its_promises_while_parts_fail():
    config = Config.from_environment()
    findings, figures = run(config)
    print("\nchaos figures:\n" + json.dumps(figures, indent=2))
    print(f"history: {config.artifacts / 'history.jsonl'}")
    assert not findings, f"{len(findings)} broken promise(s):\n" + "\n".join(findings[:60])
