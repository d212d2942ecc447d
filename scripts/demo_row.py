"""Formats one outcome JSON (core field names) as a row of the demo table."""
import json
import sys

HEADER = ("via", "provider", "scenario", "accepted", "verified", "conclusive", "reason", "score")
FORMAT = "{:<8} {:<20} {:<16} {:<9} {:<9} {:<11} {:<26} {}"


def main() -> None:
    if sys.argv[1:] == ["--header"]:
        print(FORMAT.format(*HEADER))
        return
    via, provider, scenario, raw = sys.argv[1:5]
    o = json.loads(raw)
    score = "-" if o["score"] is None else "%.2f" % o["score"]
    flag = lambda b: "true" if b else "false"  # noqa: E731
    print(FORMAT.format(via, provider, scenario, flag(o["accepted"]), flag(o["verified"]),
                        flag(o["conclusive"]), o["reason"], score))


main()
