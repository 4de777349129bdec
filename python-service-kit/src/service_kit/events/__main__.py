"""`python -m service_kit.events publish|consume ...`: see `service_kit.events.tool`."""

from service_kit.events.tool import main

if __name__ == "__main__":
    raise SystemExit(main())
