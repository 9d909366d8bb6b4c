"""Report: spin-score results in, text for people or CI systems out.

`render_scores(results, format, fail_above, errors)` takes one dict per scored
document (`file`, `id` for a JSON Lines record, `spin_score`, `failed`,
`worst_sentences` with `start`, `end`, `score`, `text` and the `line` each
starts on) and one per document that could not be read (`file`, `id`, `line`,
`error`), as `restore.batch.score_many` builds them. It gives a plain-text
table, JSON, JUnit XML (one test case per document: a failure above the
threshold, an error when unreadable) or GitHub Actions workflow commands
(`::error file=...,line=...::`, which GitHub shows on the line in the diff).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

FORMATS = ("text", "json", "junit", "github")


def render_scores(results: list[dict], fmt: str, fail_above: float,
                  errors: Sequence[dict] = ()) -> str:
    """The results in `fmt`, one of `FORMATS`."""
    return {"text": _text, "json": _json, "junit": _junit, "github": _github}[fmt](
        results, fail_above, list(errors)
    )


def _name(entry: dict) -> str:
    """The document: its file, and its id within a JSON Lines file."""
    return entry["file"] if entry.get("id") is None else f"{entry['file']} [{entry['id']}]"


def _text(results: list[dict], fail_above: float, errors: list[dict]) -> str:
    lines = []
    for r in results:
        verdict = "FAIL" if r["failed"] else "ok"
        lines.append(f"{r['spin_score']:.3f}  {verdict:4}  {_name(r)}")
        for s in r["worst_sentences"]:
            lines.append(f"        {s['score']:.3f}  {_excerpt(s['text'])}")
    lines += [f"{'-':>5}  {'ERR':4}  {e['error']}" for e in errors]
    failed = sum(r["failed"] for r in results)
    summary = f"{failed} of {len(results)} documents above {fail_above}"
    if errors:
        summary += f"; {len(errors)} could not be scored"
    return "\n".join([*lines, summary]) + "\n"


def _json(results: list[dict], fail_above: float, errors: list[dict]) -> str:
    return json.dumps({"fail_above": fail_above, "documents": results, "errors": errors},
                      indent=2, ensure_ascii=False) + "\n"


def _junit(results: list[dict], fail_above: float, errors: list[dict]) -> str:
    suite = ET.Element("testsuite", name="restore score", tests=str(len(results) + len(errors)),
                       failures=str(sum(r["failed"] for r in results)), errors=str(len(errors)))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="restore.score", name=_xml(_name(r)))
        if r["failed"]:
            failure = ET.SubElement(
                case, "failure",
                message=f"spin score {r['spin_score']:.3f} is above {fail_above}",
            )
            failure.text = _xml("\n".join(
                f"line {s['line']}: {s['score']:.3f} {s['text']}" for s in r["worst_sentences"]
            ))
    for e in errors:
        case = ET.SubElement(suite, "testcase", classname="restore.score", name=_xml(_name(e)))
        ET.SubElement(case, "error", message=_xml(e["error"]))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


# What XML 1.0 cannot hold, even escaped: most control characters (a form feed
# from a PDF, a vertical tab from an old wire system) and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _github(results: list[dict], fail_above: float, errors: list[dict]) -> str:
    lines = []
    for r in results:
        if r["failed"]:
            worst = r["worst_sentences"][0] if r["worst_sentences"] else None
            message = f"{_name(r)}: spin score {r['spin_score']:.3f} above {fail_above}"
            if worst:
                message += f"; worst sentence: {_excerpt(worst['text'])}"
            lines.append(_command(r, worst and worst["line"], "Spun copy", message))
    lines += [_command(e, e["line"], "Not scored", e["error"]) for e in errors]
    return "\n".join(lines) + ("\n" if lines else "")


def _command(entry: dict, line: int | None, title: str, message: str) -> str:
    """A GitHub `::error` workflow command, escaped as GitHub's toolkit does."""
    properties = {"file": entry["file"], "line": line, "title": title}
    listed = ",".join(f"{key}={_escape(str(value), True)}"
                      for key, value in properties.items() if value is not None)
    return f"::error {listed}::{_escape(message, False)}"


def _escape(value: str, is_property: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if is_property else value


def _excerpt(text: str, width: int = 90) -> str:
    text = _CONTROL.sub("\ufffd", " ".join(text.split()))  # nothing the terminal would obey
    return text if len(text) <= width else text[: width - 1] + "…"
